fn main() {
    let r = 1..2..3;
}
