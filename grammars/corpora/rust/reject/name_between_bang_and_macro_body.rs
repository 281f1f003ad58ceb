fn f() {
    m! name { a }
}
