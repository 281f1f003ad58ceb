test {
    for (items, 0..) |item, 