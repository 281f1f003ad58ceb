enum Msg {
    Quit,
    Move { x: i32, y: i32 },
    Write(String),
    Color(u8, u8, u8),
}

fn handle(msg: Msg, n: i64, c: char, pair: (i32, &str), slice: &[u8]) -> i32 {
    match msg {
        Msg::Quit => 0,
        Msg::Move { x, y: 0 } => x,
        Msg::Move { x: px, .. } if px > 10 => px * 2,
        Msg::Move { .. } => -1,
        Msg::Write(ref s) if s.is_empty() => 1,
        Msg::Write(_) => 2,
        Msg::Color(r, g, b) => (r as i32) + g as i32 + b as i32,
    };
    let kind = match n {
        i64::MIN..=-1 => "negative",
        0 => "zero",
        1 | 2 | 3 => "small",
        4..=99 => "medium",
        _ => "large",
    };
    match c {
        'a'..='z' | 'A'..='Z' => {}
        '0'..='9' => {}
        _ => {}
    }
    match pair {
        (0, "zero") | (1, "one") => {}
        (n @ 2..=9, name) => println!("{n} {name}"),
        (ref mut m, _) if *m > 100 => {}
        _ => {}
    }
    match slice {
        [] => 0,
        [one] => *one as i32,
        [first, .., last] => (*first + *last) as i32,
        [first, rest @ ..] => *first as i32 + rest.len() as i32,
    };
    match &Some(5) {
        Some(x) if *x > 3 => {}
        &Some(ref y) => { let _ = y; }
        None => {}
    }
    let _ = kind;
    match Box::new(1) {
        b => *b,
    }
}
