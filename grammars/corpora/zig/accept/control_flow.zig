const std = @import("std");

fn find(items: []const u32, needle: u32) ?usize {
    for (items, 0..) |item, index| {
        if (item == needle) return index;
    }
    return null;
}

test "control flow" {
    var list = [_]u32{ 3, 1, 4, 1, 5 };
    const maybe: ?u32 = 7;
    if (maybe) |value| {
        try std.testing.expect(value == 7);
    } else {
        unreachable;
    }

    const result: anyerror!u32 = 3;
    if (result) |v| {
        _ = v;
    } else |err| {
        return err;
    }

    var i: usize = 0;
    while (i < list.len) : (i += 1) {
        if (list[i] == 1) continue;
        if (list[i] == 5) break;
    }

    var it: ?u32 = 3;
    while (it) |n| : (it = if (n == 0) null else n - 1) {}

    for (&list) |*item| item.* += 1;
    for (list[0..2], list[1..3]) |a, b| {
        _ = a + b;
    }

    const found = outer: for (list) |x| {
        if (x > 4) break :outer x;
    } else 0;

    const label_value = blk: {
        if (found > 100) break :blk @as(u32, 1);
        break :blk 2;
    };

    inline for (.{ u8, u16 }) |T| {
        _ = @sizeOf(T);
    }
    comptime var k = 0;
    inline while (k < 2) : (k += 1) {}

    const x = if (label_value == 2) "two" else "other";
    _ = x;
    _ = find(&list, 4) orelse return;
}
