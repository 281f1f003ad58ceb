    // Tail of a function body (the fallback entry) holding items and statements in the nightly
    // syntax that rustc 1.63's own sources use; tree-sitter-rust does not parse these, so they
    // live here rather than in accept/.
    pub auto trait Marker {}
    pub unsafe auto trait UnsafeMarker {}
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

    pub macro my_assert($cond:expr $(,)?) {
        if !$cond { panic!("failed") }
    }

    macro nothing {
        () => {},
    }

    let b = box 5;
    let box inner = b;
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
