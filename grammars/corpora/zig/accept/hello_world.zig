//! A small program: imports, a public entry point and formatted printing.

const std = @import("std");
const builtin = @import("builtin");

pub fn main() !void {
    const greeting = "Hello";
    const who: []const u8 = if (builtin.mode == .Debug) "debug world" else "world";
    std.debug.print("{s}, {s}!\n", .{ greeting, who });

    var total: u32 = 0;
    for (1..11) |n| {
        total += @intCast(n);
    }
    std.debug.print("sum = {d}\n", .{total});
}
