macro_rules! m {
    <= ^struct
}
