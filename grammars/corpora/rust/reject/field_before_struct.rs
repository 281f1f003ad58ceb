pub x: u32,
fn main() {}
