macro_rules! m {
    ($x:expr) => { f!($ + 1) };
}
