pub const Kind = enum(u8) {
    first,
    second = 4,
