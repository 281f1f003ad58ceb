fn greet() {
    println!("hello, wor