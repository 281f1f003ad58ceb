const std = @import("std");

pub var counter: u32 = 0;
threadlocal var per_thread: u64 = 0;
pub threadlocal var shared: u8 align(64) = 1;
export var exported_value: i32 linksection(".data") = 5;
extern var environ: [*:null]?[*:0]u8;
extern "c" var errno_value: c_int;
var buffer: [4096]u8 align(std.heap.page_size_min) = undefined;
const typed: u16 = 0xffff;
const gpu_value: u32 addrspace(.generic) = 3;

test "globals" {
    counter += 1;
    per_thread += 1;
    try std.testing.expect(counter == 1 and shared == 1 and typed > 0);
    _ = &buffer;
    _ = &exported_value;
}
