struct P { x: i32 }
fn main() {
    let p = P { x: 1 };
    if p == P { x: 1 } {
        return;
    }
}
