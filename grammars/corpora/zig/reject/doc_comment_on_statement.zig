fn f() u8 {
    /// Not allowed here.
    const x = 1;
    return x;
}
