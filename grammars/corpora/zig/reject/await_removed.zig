fn f() void {
    await frame;
}
