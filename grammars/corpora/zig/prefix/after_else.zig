test "payloads" {
    if (maybe()) |value| {
        _ = value;
    } else 