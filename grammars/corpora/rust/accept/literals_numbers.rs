fn numbers() {
    let a = 42;
    let b = 1_000_000u64;
    let c = 0xFF_u8;
    let d = 0o777;
    let e = 0b1010_1010i16;
    let f = 3.14;
    let g = 1e10;
    let h = 2.5E-3f32;
    let i = 1_f64;
    let j = 1.;
    let k = 6.02e+23_f64;
    let l = 0usize;
    let m = 127i8 as u128;
    let n = -1isize;
    let o = 1.0f32.max(2.0);
    let p = 1.max(2);
    let q = 0..10;
    let r = 0..=255u8;
    let s = ..5;
    let t = 3..;
    let u = 1.5..2.5;
    let tuple = ((1, 2), 3);
    let inner = tuple.0.1;
    let arr = [1., 2., 3.];
    let big = 0xdead_beef_u32 << 4 >> 2;
    let _ = (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, inner, arr, big);
}
