use std::collections::HashMap;

thread_local! {
    static COUNTER: std::cell::Cell<u32> = std::cell::Cell::new(0);
}

lazy_static::lazy_static! {
    static ref TABLE: HashMap<u32, &'static str> = HashMap::new();
}

type Alias = my_type!(u8);

fn main() {
    let v = vec![1, 2, 3];
    let zeros = vec![0u8; 16];
    println!("{:?} {}", v, zeros.len());
    assert_eq!(v.len(), 3, "length was {}", v.len());
    assert!(matches!(v.first(), Some(&1) | Some(&2)));
    let s = format!("{a}-{b}", a = 1, b = "two");
    let total: i32 = vec![1, 2].iter().sum::<i32>() + v.len() as i32;
    debug_assert!(total > 0);
    std::println! { "braced {}", s };
    let r = write!(&mut String::new(), "x");
    match v.as_slice() {
        [first, ..] if first == &1 => {}
        pat!() => {}
        _ => unreachable!("no"),
    }
    let _ = (r, total);
    todo!()
}
