fn main() {
    let x = 0xG1;
}
