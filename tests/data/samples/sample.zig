const std = @import("std");

pub fn sum(values: []const i32) i32 {
    var total: i32 = 0;
    for (values) |v| {
        total += ‸;
    }
    return total;
}

test "sum" {
    try std.testing.expectEqual(@as(i32, 6), sum(&[_]i32{ 1, 2, 3 }));
}
