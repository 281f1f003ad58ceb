#[derive(Default, Clone)]
struct Options {
    verbose: bool,
    level: u8,
    name: String,
}

struct Wrap(u32, u32);

fn build(level: u8) -> Options {
    let name = String::from("x");
    let base = Options { verbose: true, level, name };
    let copy = Options { level: 3, ..base.clone() };
    let default = Options { ..Default::default() };
    let tuple_like = Wrap { 0: 1, 1: 2 };
    if copy.level == (Options { level: 1, ..Default::default() }).level {
        return default;
    }
    match (Options { verbose: false, ..copy }) {
        Options { verbose: true, .. } => {}
        _ => {}
    }
    while base.level > (Wrap { 0: 1, 1: 2 }).0 as u8 {
        break;
    }
    for _ in [Options::default()].iter() {}
    let _ = tuple_like;
    Self_ { a: 1 }.into()
}

struct Self_ { a: u8 }
impl From<Self_> for Options {
    fn from(s: Self_) -> Self { Self { level: s.a, ..Self::default() } }
}
