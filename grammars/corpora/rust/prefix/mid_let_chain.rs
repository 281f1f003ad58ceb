fn f(x: u8) -> bool {
    if x > 3 && let Some(y) = g(x) 