use std::collections::HashMap;
use std::fmt::Debug;
use std::rc::Rc;

type Callback = Box<dyn Fn(&str) -> Result<(), String> + Send + Sync + 'static>;
type Table<'a, K = String> = HashMap<K, Vec<&'a [u8]>>;
type FnPtr = unsafe extern "C" fn(*const u8, usize) -> i32;
type HigherRanked = for<'a> fn(&'a str) -> &'a str;
type Never = fn() -> !;
type RawPtrs = (*const u8, *mut u16, *const *mut u32);
type Arrays = ([u8; 4], [[f32; 3]; 3], &'static [u8]);
type Unit = ();
type Single = (u8,);
type Qualified = <Vec<u8> as IntoIterator>::Item;
type Assoc<T> = <T as Iterator>::Item;
type DynAny = Rc<dyn std::any::Any>;
type Nested = Option<Result<Vec<HashMap<String, Box<[u8]>>>, ()>>;
type Variadic = unsafe extern "C" fn(fmt: *const i8, ...) -> i32;

fn returns_impl<'a>(x: &'a [u8]) -> impl Iterator<Item = &'a u8> + 'a {
    x.iter()
}

fn takes_dyn(value: &(dyn Debug + Send), other: &mut dyn FnMut(u8) -> u8) {
    let _ = (value, other(1));
}

fn infer() {
    let v: Vec<_> = (0..3).collect();
    let m = HashMap::<u8, Vec<u8>>::new();
    let len = <[u8]>::len(&[1, 2][..]);
    let w = <Vec<u8> as Default>::default();
    let p = &v as *const Vec<i32> as usize;
    let b: Box<dyn Fn() -> Vec<Vec<u8>>> = Box::new(Vec::new);
    let _ = (v, m, len, w, p, b);
}

fn bounds<T>(t: T) -> T
where
    T: Clone + Debug + ?Sized + for<'de> serde::Deserialize<'de>,
    Vec<T>: Debug,
    <T as ToOwned>::Owned: Clone,
    [(); 4]: Sized,
{
    t
}
