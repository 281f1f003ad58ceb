#![allow(unused_imports)]

extern crate alloc;
extern crate core as my_core;
extern crate self as this_crate;

use std::{
    collections::{BTreeMap, HashMap as Map, *},
    fmt::{self, Debug, Display},
    io,
};
use ::std::sync::Arc;
use crate::inner::helper as _;
use self::inner::*;
use super::*;
pub use inner::Visible;
pub(crate) use inner::{deep::Thing, Visible as Seen};

mod outer;
pub mod inline {
    //! Inner doc comment of the module.
    #![allow(dead_code)]

    pub fn f() {}

    pub(super) mod nested {
        pub(in crate::inline) fn g() {}
    }
}

mod inner {
    pub struct Visible;
    pub fn helper() {}
    pub mod deep {
        pub struct Thing;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn works() {
        inline::f();
    }
}
