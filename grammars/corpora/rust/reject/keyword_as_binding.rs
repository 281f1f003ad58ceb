fn main() {
    let match = 3;
}
