fn f() !void {
    errdefer |err| log(err);
    try g();
}
