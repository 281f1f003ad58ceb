const std = @import("std");

test "builtins" {
    const x: u32 = 300;
    const y: u8 = @truncate(x);
    const z: i64 = @intCast(x);
    const f: f32 = @floatFromInt(z);
    const bits: u32 = @bitCast(f);
    const p: *const u32 = &x;
    const addr = @intFromPtr(p);
    const back: *const u32 = @ptrFromInt(addr);
    const T = @TypeOf(back);
    const info = @typeInfo(T);
    const field = @field(std.math, "pi");
    const size = @sizeOf(struct { a: u8, b: u32 });
    const name = @tagName(std.builtin.Endian.little);
    const v: @Vector(4, u8) = @splat(1);
    const sum = @reduce(.Add, v);
    _ = .{ y, bits, info, field, size, name, sum };
    _ = @as(u8, @min(3, 4));
    if (@inComptime()) @compileError("unreachable");
}
