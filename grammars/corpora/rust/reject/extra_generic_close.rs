fn main() {
    let v: Vec<Vec<u8>>> = Vec::new();
}
