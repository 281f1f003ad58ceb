struct Point3 { x: i32, y: i32, z: i32 }
struct Tuple(i32, i32);

fn patterns(p: Point3, t: Tuple, nested: ((u8, u8), [u8; 3]), r: &mut (i32, i32)) {
    let Point3 { x, y: ref why, z: mut zed } = p;
    let Tuple(a, _) = t;
    let ((b, _), [c, .., d]) = nested;
    let &mut (ref mut e, f) = r;
    let (g, h): (u8, u16) = (1, 2);
    let Point3 { x: px @ 0..=9, .. } = make() else { return };
    let [first, second @ .., ] = [1, 2, 3];
    let std::ops::Range { start, end } = 0..5;
    let Self_like(zero, one) = Self_like(1, 2);
    let (mut m, ref n) = (1, 2);
    let (-1 | 0 | 1) = 0 else { return };
    let None::<u8> = None else { return };
    let <Tuple>::Holder = Tuple::Holder;
    let _ = (x, why, zed, a, b, c, d, e, f, g, h, px, first, second, start, end, zero, one, m, n);
    if let (Some(a), Some(b)) | (Some(b), Some(a)) = (Some(1), Some(2)) {
        let _ = a + b;
    }
    for (index, (key, value)) in [(1, 2)].iter().enumerate() {
        let _ = (index, key, value);
    }
    let closure = |Tuple(a, b): Tuple, &(c, d): &(i32, i32)| a + b + c + d;
    let _ = closure;
}

struct Self_like(i32, i32);

fn make() -> Point3 { Point3 { x: 1, y: 2, z: 3 } }
