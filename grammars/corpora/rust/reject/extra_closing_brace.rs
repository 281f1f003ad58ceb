fn main() {
    let x = 1;
}
}
fn other() {}
