fn compute(a: i32, b: i32) -> i32 {
    let x = a * (b + 