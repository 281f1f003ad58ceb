fn f() u8 {
    var x: u8;
    x = 1;
    return x;
}
