const std = @import("std");

extern "c" fn printf(format: [*:0]const u8, ...) c_int;
extern fn abs(x: c_int) callconv(.c) c_int;

export fn exported(a: u32, b: u32) callconv(.c) u32 {
    return a +% b;
}

inline fn twice(x: anytype) @TypeOf(x) {
    return x * 2;
}

noinline fn slow(comptime T: type, noalias dest: []T, noalias src: []const T) void {
    @memcpy(dest, src);
}

pub fn parse(text: []const u8) !u32 {
    return std.fmt.parseInt(u32, text, 10);
}

pub fn mayFail(fail: bool) anyerror!void {
    if (fail) return error.Failed;
}

const ParseError = error{ Empty, TooLong };

fn check(s: []const u8) ParseError!usize {
    if (s.len == 0) return ParseError.Empty;
    if (s.len > 10) return error.TooLong;
    return s.len;
}

fn aligned() align(16) linksection(".text") void {}

const Callback = *const fn (ctx: ?*anyopaque, code: i32) callconv(.c) void;

pub fn apply(cb: Callback, ctx: ?*anyopaque) void {
    cb(ctx, 0);
}

test "functions" {
    try std.testing.expectEqual(@as(u32, 4), twice(@as(u32, 2)));
    _ = check("abc") catch |err| switch (err) {
        error.Empty => 0,
        error.TooLong => 1,
    };
    _ = &slow;
    _ = &aligned;
}
