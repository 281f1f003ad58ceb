//! Container declarations of every kind.

const std = @import("std");

/// A point in the plane.
pub const Point = struct {
    /// Horizontal coordinate.
    x: f32 = 0,
    y: f32 align(8) = 0,
    comptime tag: u8 = 7,

    pub const origin: Point = .{};

    pub fn add(a: Point, b: Point) Point {
        return .{ .x = a.x + b.x, .y = a.y + b.y };
    }
};

pub const Flags = packed struct(u32) {
    readable: bool,
    writable: bool,
    _padding: u30 = 0,
};

pub const Header = extern struct {
    magic: [4]u8,
    len: u32 align(4),
};

pub const Color = enum(u8) {
    red = 1,
    green,
    blue = 0xff,
    _,

    pub fn isRed(c: Color) bool {
        return c == .red;
    }
};

pub const Value = union(enum) {
    int: i64,
    float: f64,
    none,
};

const Tagged = union(Color) { red: u8, green: void, blue: []const u8 };
const Explicit = union(enum(u16)) { a: u8, b: u16 };
const Raw = extern union { i: i32, f: f32 };
pub const Handle = opaque {};
const Pair = struct { u32, []const u8 };

test "containers" {
    const p = Point.add(.{ .x = 1 }, Point.origin);
    try std.testing.expect(p.x == 1);
    _ = Flags{ .readable = true, .writable = false };
    _ = @sizeOf(Header);
    _ = Tagged{ .red = 1 };
    _ = Explicit{ .a = 1 };
    _ = Raw{ .i = 0 };
    _ = Pair{ 1, "one" };
}
