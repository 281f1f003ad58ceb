const S = struct {
    a: u8,
    const b = 1;
    c: u8,
};
