fn f(a: u8, b: u8, c: bool) bool {
    const same = a == b == c;
    return same;
}
