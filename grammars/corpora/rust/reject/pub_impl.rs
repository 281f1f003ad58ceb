struct S;
pub impl S {}
