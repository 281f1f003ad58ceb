fn run() !void {
    var i: usize = 0;
    while (i < 10) : (i += 1) {
        try step(i);
