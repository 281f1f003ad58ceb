fn between(a: i32, b: i32, c: i32) -> bool {
    a < b < c
}
