//! Constructs next to the places where the grammar follows tree-sitter-rust more strictly than
//! rustc (found by `maze grammar fuzz`): all of these parse in both.
#![allow(dead_code)]

#[doc = concat!("a", "b")]
#[cfg_attr(test, derive(Debug))]
#[path = "near.rs"]
mod near {}

macro_rules! maximum {
    ($x:expr) => { $x };
    ($x:expr, $($rest:expr),+ $(,)?) => {{
        let y = maximum!($($rest),+);
        if $x > y { $x } else { y }
    }};
}

macro_rules! empty {}

fn calls(f: &dyn Fn(u8) -> u8, p: *const u8, q: *mut u8) -> std::ops::Range<usize> {
    let dollar = stringify!($ a);
    let m = maximum!(1, 2, 3);
    match m {
        n if n > 2 => {}
        -1 | 0 => {}
        _ => {}
    }
    let _ = (dollar, f(1), p, q, crate::near_fn(), self::near_fn());
    0..1
}

fn bounded<'a, 'b: 'a, T: Clone>(x: &'a T, _y: &'b T) -> T
where
    T: Copy,
{
    *x
}

fn near_fn() {}

pub unsafe trait Zeroable: Sized {}
