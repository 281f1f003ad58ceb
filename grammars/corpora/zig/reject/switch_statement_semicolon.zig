fn f(x: u8) void {
    switch (x) {
        0 => {},
        else => {},
    };
}
