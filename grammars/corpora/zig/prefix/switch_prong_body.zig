fn name(tag: Tag) []const u8 {
    return switch (tag) {
        .a => "a",
        .b =>