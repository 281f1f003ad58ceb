struct S {
    x: f()::Output,
}
