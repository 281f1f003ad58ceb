const std = @import("std");

pub const FileError = error{
    /// The file does not exist.
    NotFound,
    AccessDenied,
};

const AllErrors = FileError || error{OutOfMemory};

fn open(name: []const u8) FileError!u32 {
    if (name.len == 0) return error.NotFound;
    return @intCast(name.len);
}

fn process(allocator: std.mem.Allocator, name: []const u8) AllErrors![]u8 {
    const fd = try open(name);
    const buf = try allocator.alloc(u8, fd);
    errdefer allocator.free(buf);
    const n = open("x") catch |err| switch (err) {
        error.NotFound => 0,
        else => |e| return e,
    };
    _ = n;
    const fallback = open("") catch 1;
    _ = fallback;
    return buf;
}

test "errors" {
    const gpa = std.testing.allocator;
    const data = try process(gpa, "abc");
    defer gpa.free(data);
    try std.testing.expectError(error.NotFound, open(""));
    const code = @intFromError(error.AccessDenied);
    _ = code;
}
