#[cfg(debug) dyn]
fn f() {}
