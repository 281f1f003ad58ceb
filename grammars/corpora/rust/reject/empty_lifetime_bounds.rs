fn f<'a, 'b:>(x: &'a str) {}
