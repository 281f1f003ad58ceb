const std = @import("std");

pub fn Stack(comptime T: type, comptime capacity: usize) type {
    return struct {
        const Self = @This();

        items: [capacity]T = undefined,
        len: usize = 0,

        pub fn push(self: *Self, item: T) error{Full}!void {
            if (self.len == capacity) return error.Full;
            self.items[self.len] = item;
            self.len += 1;
        }

        pub fn pop(self: *Self) ?T {
            if (self.len == 0) return null;
            self.len -= 1;
            return self.items[self.len];
        }
    };
}

fn max(comptime T: type, a: T, b: T) T {
    return if (a > b) a else b;
}

fn Pick(comptime wide: bool) type {
    return if (wide) u64 else u8;
}

test "generics" {
    var s: Stack(u8, 2) = .{};
    try s.push(1);
    try s.push(2);
    try std.testing.expectError(error.Full, s.push(3));
    try std.testing.expect(s.pop().? == 2);
    try std.testing.expect(max(i32, -1, 5) == 5);
    const W: type = Pick(true);
    try std.testing.expect(@bitSizeOf(W) == 64);
}
