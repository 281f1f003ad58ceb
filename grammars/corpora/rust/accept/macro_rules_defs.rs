macro_rules! square {
    ($x:expr) => {
        $x * $x
    };
}

macro_rules! maximum {
    ($x:expr) => ($x);
    ($x:expr, $($rest:expr),+ $(,)?) => {{
        let a = $x;
        let b = maximum!($($rest),+);
        if a > b { a } else { b }
    }};
}

macro_rules! make_struct {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Default)]
        pub struct $name {
            $(pub $field: $ty,)*
        }
    };
}

macro_rules! tricky_tokens {
    () => {
        let _ = ('(', ")", '[', "}", '{', r#"raw " ] string"#, b'\'', 'a', '\u{1F600}');
        // a comment with ( unbalanced [ brackets
        /* and a block comment with } too */
    };
    ($lt:lifetime, $t:tt) => { fn f<$lt>(x: &$lt str) -> &$lt str { x } };
}

macro_rules! parens_form (
    ($a:ident) => { let $a = 1; }
);

make_struct!(Settings { width: u32, height: u32 });

fn main() {
    let n = square!(3);
    let m = maximum!(1, 5, 3,);
    tricky_tokens!();
    println!("{n} {m}");
}
