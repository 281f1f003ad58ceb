pub struct Public;
pub(crate) struct CrateVisible;
pub(self) struct SelfVisible;
pub(super) struct SuperVisible;
pub(in crate::visibility) struct PathVisible;

pub mod api {
    pub fn open() {}
    pub(crate) fn internal() {}
    pub(super) fn parent_only() {}
    pub(in crate) fn crate_only() {}

    pub struct Record {
        pub id: u32,
        pub(crate) secret: String,
        hidden: bool,
    }

    pub struct Tuple(pub u8, pub(crate) u8, u8);

    pub enum Kind { A, B }

    pub trait Api {
        fn call(&self);
    }

    pub type Alias = Record;
    pub const LIMIT: u32 = 5;
    pub static NAME: &str = "api";
    pub use self::Kind::*;
    pub extern crate core as api_core;
    pub unsafe fn raw() {}
    pub const unsafe fn craw() {}
    pub async fn later() {}
    pub extern "C" fn ffi() {}
}
