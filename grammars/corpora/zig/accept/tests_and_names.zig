const std = @import("std");

fn add(a: i32, b: i32) i32 {
    return a + b;
}

test add {
    try std.testing.expectEqual(@as(i32, 3), add(1, 2));
}

test "a descriptive \"name\"" {
    try std.testing.expect(true);
}

test {
    _ = add;
}

const @"weird name" = 42;
const @"else" = 1;

test "quoted identifiers" {
    try std.testing.expect(@"weird name" == 42 and @"else" == 1);
    const S = struct { @"type": u8 };
    const s: S = .{ .@"type" = 3 };
    try std.testing.expect(s.@"type" == 3);
}
