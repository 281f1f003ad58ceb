fn f() void {
    const var = 1;
    _ = var;
}
