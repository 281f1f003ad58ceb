fn f() {
    let b = box 5;
}
