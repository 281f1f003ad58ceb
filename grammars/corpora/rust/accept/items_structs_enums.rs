//! Structs, enums and unions in all their shapes.

pub struct Point {
    pub x: f64,
    pub y: f64,
}

struct Wrapper<T>(T);
struct Pair(pub u8, pub(crate) u16);
struct Marker;
struct Empty {}

pub(crate) struct Config<'a, T: Clone + 'a = String> {
    name: &'a str,
    value: Option<T>,
    #[allow(dead_code)]
    flags: [bool; 4],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Color {
    Red = 1,
    Green = 2,
    Blue = 1 << 2,
}

enum Shape {
    Circle { radius: f32 },
    Rect(f32, f32),
    Unit,
    #[doc(hidden)]
    Other(Box<Shape>),
}

#[repr(C)]
union Bits {
    int: u32,
    float: f32,
}

enum Never {}

pub enum Tree<K, V>
where
    K: Ord,
{
    Leaf,
    Node { key: K, value: V, left: Box<Tree<K, V>>, right: Box<Tree<K, V>> },
}
