fn main() {
    let total = add(1, 2;
    println!("{}", total);
}
