fn f(x: &str) {
    match x {
        -"a" => {}
        _ => {}
    }
}
