fn f(x: bool) void {
    if (x) {
        g();
    };
}
