macro_rules! {
    () => {};
}
