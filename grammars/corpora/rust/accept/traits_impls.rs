use std::fmt;

pub trait Shape: fmt::Debug + Send {
    type Unit: Copy;
    const SIDES: usize;
    const NAME: &'static str = "shape";

    fn area(&self) -> f64;
    fn scale(&mut self, by: f64);
    fn describe(&self) -> String {
        format!("{} with {} sides", Self::NAME, Self::SIDES)
    }
    fn boxed(self) -> Box<dyn Shape<Unit = Self::Unit>>
    where
        Self: Sized + 'static,
    {
        Box::new(self)
    }
}

#[derive(Debug)]
struct Square(f64);

impl Shape for Square {
    type Unit = f64;
    const SIDES: usize = 4;
    fn area(&self) -> f64 { self.0 * self.0 }
    fn scale(&mut self, by: f64) { self.0 *= by; }
}

impl Square {
    pub const fn new(side: f64) -> Self { Square(side) }
    pub fn side(&self) -> f64 { self.0 }
}

impl fmt::Display for Square {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Square({})", self.0)
    }
}

struct Token;
impl !Send for Token {}
unsafe impl Sync for Token {}

impl<T> From<T> for Box<dyn fmt::Debug>
where
    T: fmt::Debug + 'static,
{
    fn from(value: T) -> Self { Box::new(value) }
}
