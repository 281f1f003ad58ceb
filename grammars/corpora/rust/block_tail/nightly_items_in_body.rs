    // Tail of a function body (the fallback entry) holding items and statements in the nightly
    // syntax that rustc 1.63's own sources use; tree-sitter-rust does not parse these, so they
    // live here rather than in accept/. (`box`, `auto trait` and `macro` items are refused since
    // fuzzing: the final tree-sitter check drops every completion that uses them.)
    trait Named = std::fmt::Display + Clone;

    impl<T> Describe for T {
        default fn describe(&self) -> String {
            String::from("something")
        }
    }

    impl const Zero for u8 {
        fn zero() -> Self { 0 }
    }

    const fn make<T: ~const Zero>() -> T {
        T::zero()
    }

    let inner = 5;
    let r: Result<u32, String> = try {
        let x = "1".parse::<u32>().map_err(|e| e.to_string())?;
        x + inner
    };
    let mut gen = static || {
        yield 1;
        return 2;
    };
    if r.is_err() {
        do yeet String::from("bad");
    }
    let Struct { 0: zero, 1: one } = pair;
    let escaped = "\u{00_e9}";
    r
}
