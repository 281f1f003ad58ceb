        .b => 2,
        .c, .d => |v| @intFromEnum(v),
        else => 3,
    };
}
