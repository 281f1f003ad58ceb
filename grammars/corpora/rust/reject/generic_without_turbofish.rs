fn main() {
    let v = Vec<u8>::new();
}
