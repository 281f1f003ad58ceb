fn f() {
    let x = crate;
}
