fn main() {
    let add = |a: i32, b: i32| 