fn main() {
    let c = 'ab';
}
