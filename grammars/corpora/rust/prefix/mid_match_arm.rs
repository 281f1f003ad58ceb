fn describe(v: Option<u8>) -> &'static str {
    match v {
        Some(0) => "zero",
        Some(n) if n > 9 => 