        .name = "x",
        .value = 3,
    });
    try w.flush();
    const r = try parse(.{
        .mode = .fast,
    }) orelse return error.Missing;
    _ = r;
}
