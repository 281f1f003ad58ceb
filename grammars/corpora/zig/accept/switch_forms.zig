const std = @import("std");

const Shape = union(enum) {
    circle: f32,
    rect: struct { w: f32, h: f32 },
    none,
};

fn area(s: Shape) f32 {
    return switch (s) {
        .circle => |r| std.math.pi * r * r,
        .rect => |*r| r.w * r.h,
        .none => 0,
    };
}

fn classify(c: u8) []const u8 {
    return switch (c) {
        'a'...'z', 'A'...'Z' => "letter",
        '0'...'9' => "digit",
        ' ', '\t', '\n' => "space",
        else => "other",
    };
}

fn count(n: u32) u32 {
    return switch (n) {
        0 => 0,
        1...9 => 1,
        10...99 => 2,
        else => |v| if (v > 1000) 4 else 3,
    };
}

fn fmt(v: anytype) u32 {
    switch (@typeInfo(@TypeOf(v))) {
        .int, .comptime_int => return 1,
        inline .float, .comptime_float => |info, tag| {
            _ = info;
            _ = tag;
            return 2;
        },
        inline else => return 3,
    }
}

fn machine(start: u8) u8 {
    var steps: u8 = 0;
    sw: switch (start) {
        0 => {
            steps += 1;
            continue :sw 1;
        },
        1 => break :sw,
        else => unreachable,
    }
    return steps;
}

test "switch" {
    try std.testing.expect(area(.none) == 0);
    try std.testing.expect(classify('q')[0] == 'l');
    try std.testing.expect(count(50) == 2 and fmt(1.5) == 2 and machine(0) == 1);
}
