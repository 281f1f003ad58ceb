const std = @import("std");

const table = blk: {
    var t: [16]u8 = undefined;
    for (&t, 0..) |*entry, i| entry.* = @intCast(i * i % 251);
    break :blk t;
};

comptime {
    if (table.len != 16) @compileError("bad table");
}

fn fib(comptime n: u32) u32 {
    return comptime if (n < 2) n else fib(n - 1) + fib(n - 2);
}

test "defer and comptime" {
    var log: [4]u8 = undefined;
    var len: usize = 0;
    {
        defer log[len] = 'b';
        defer {
            len += 1;
        }
        log[len] = 'a';
    }
    comptime var sum = 0;
    inline for (0..3) |i| {
        sum += i;
    }
    comptime std.debug.assert(sum == 3);
    try std.testing.expect(fib(10) == 55);
    const x = comptime table[3];
    nosuspend {
        len += x;
    }
}
