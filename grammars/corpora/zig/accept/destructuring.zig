const std = @import("std");

fn divmod(a: u32, b: u32) struct { u32, u32 } {
    return .{ a / b, a % b };
}

test "destructuring" {
    const q, const r = divmod(17, 5);
    var x: u32 = 0;
    var y: u32 = 0;
    x, y = .{ y + 1, x + 2 };
    const arr = [3]u8{ 1, 2, 3 };
    const a, var b, _ = arr;
    b += a;
    comptime var c, const d = .{ 1, 2 };
    c += d;
    try std.testing.expect(q == 3 and r == 2 and x == 1 and y == 2 and b == 3);
}
