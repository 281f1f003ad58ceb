//! Crate-level documentation.
//! Second line.
#![cfg_attr(not(test), no_std)]
#![warn(missing_docs)]

/// A documented function.
///
/// ```
/// assert_eq!(add(1, 2), 3);
/// ```
#[inline]
#[must_use = "the sum is the point"]
pub fn add(a: i32, b: i32) -> i32 {
    a + b
}

/** Block doc comment on an item. */
#[derive(Debug)]
pub struct Documented {
    /// field doc
    #[cfg(feature = "extra")]
    pub extra: u8,
    #[doc = "attribute doc"]
    pub plain: u8,
}

pub enum Tagged {
    #[default_variant]
    A,
    /// variant doc
    B(#[allow(unused)] u8),
}

#[cfg(any(unix, target_os = "wasi"))]
fn params(#[allow(unused)] a: u8, #[cfg(debug_assertions)] b: u8) {}

fn statements() {
    #[allow(unused_variables)]
    let x = 5;
    #[cfg(debug_assertions)]
    {
        println!("debug");
    }
    let v = vec![#[allow(unused)] 1, 2];
    let t = (#[rustfmt::skip] 1, 2);
    match x {
        #[allow(unreachable_patterns)]
        0 => {}
        _ => {}
    }
    let _ = (v, t);
}

fn generic<#[may_dangle] T, #[cfg(all())] 'a>(x: &'a T) -> &'a T { x }

#[rustfmt::skip]
#[doc = r#"raw "string" in an attribute"#]
#[path = "other.rs"]
mod other;
