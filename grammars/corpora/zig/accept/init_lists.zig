const std = @import("std");

const Config = struct {
    name: []const u8,
    retries: u8 = 3,
    ports: [2]u16 = .{ 80, 443 },
    inner: Inner = .{},

    const Inner = struct { verbose: bool = false };
};

test "initialisers" {
    const a: Config = .{ .name = "a" };
    const b = Config{ .name = "b", .retries = 5, .inner = .{ .verbose = true } };
    const bytes = [_]u8{ 1, 2, 3 };
    const matrix = [2][2]f32{ .{ 1, 0 }, .{ 0, 1 } };
    const tuple = .{ 1, "two", 3.0 };
    const empty = .{};
    const zeros: [4]u32 = @splat(0);
    const str = [_:0]u8{ 'h', 'i' };
    var list: std.ArrayList(u8) = .empty;
    defer list.deinit(std.testing.allocator);
    try list.appendSlice(std.testing.allocator, &bytes);
    try std.testing.expect(a.retries == 3 and b.inner.verbose);
    _ = .{ matrix, tuple, empty, zeros, str };
}
