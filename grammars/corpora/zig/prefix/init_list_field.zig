const config: Config = .{
    .name = "server",
    .port = 8080,
    .