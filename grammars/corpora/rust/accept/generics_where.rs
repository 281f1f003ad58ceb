use std::collections::HashMap;
use std::hash::Hash;

pub fn largest<T: PartialOrd + Copy>(items: &[T]) -> Option<T> {
    let mut best = *items.first()?;
    for &item in items {
        if item > best {
            best = item;
        }
    }
    Some(best)
}

pub struct Matrix<const R: usize, const C: usize = 2> {
    data: [[f32; C]; R],
}

impl<const R: usize, const C: usize> Matrix<R, C> {
    pub fn zero() -> Self {
        Matrix { data: [[0.0; C]; R] }
    }
    pub fn transpose(&self) -> Matrix<C, R> {
        let mut out = Matrix::<C, R>::zero();
        for i in 0..R {
            for j in 0..C {
                out.data[j][i] = self.data[i][j];
            }
        }
        out
    }
}

fn count<K, I>(iter: I) -> HashMap<K, usize>
where
    K: Eq + Hash,
    I: IntoIterator<Item = K>,
    for<'a> &'a K: Clone,
{
    let mut map = HashMap::new();
    for key in iter {
        *map.entry(key).or_insert(0) += 1;
    }
    map
}

fn apply<F>(f: F) -> impl Fn(i32) -> i32 + Clone
where
    F: Fn(i32) -> i32 + Clone + 'static,
{
    move |x| f(f(x))
}

fn sized<T: ?Sized + AsRef<str>>(value: &T) -> usize { value.as_ref().len() }

fn nested() -> Vec<Vec<Option<u8>>> {
    Vec::<Vec<Option<u8>>>::new()
}

fn lifetimes<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str { x }
