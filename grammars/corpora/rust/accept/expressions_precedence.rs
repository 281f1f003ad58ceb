fn precedence(a: i32, b: i32, c: bool, d: bool, v: &mut Vec<i32>) -> i32 {
    let x = a + b * 2 - a / b % 3;
    let y = a << 2 | b >> 1 & 0xF ^ a;
    let z = c && !d || a < b && b >= a;
    let w = -a as i64 as i32 + *v.first().unwrap();
    let r = (a..b).len() + (..=b).end as usize;
    let mut m = 0;
    m += 1;
    m -= 2;
    m *= 3;
    m /= 4;
    m %= 5;
    m <<= 1;
    m >>= 1;
    m &= 7;
    m |= 8;
    m ^= 9;
    let q = &mut m;
    *q = a.pow(2) + (b as f64).sqrt() as i32;
    let neg = -(-a);
    let not = !!c;
    let refs = &&a;
    let deref = **refs;
    let idx = v[0] + v[v.len() - 1];
    let call = (|x: i32| x + 1)(a);
    let cmp = (a == b) == c;
    let cast_cmp = (a as u8) < 3;
    let shifted = 1u32 << a as u32;
    let _ = (x, y, z, w, r, neg, not, deref, idx, call, cmp, cast_cmp, shifted);
    (a, b) = (b, a);
    [m, _] = [1, 2];
    _ = a;
    a * b + m
}
