fn first(items: []const u8) u8 {
    return items[0);
}
