fn strings() {
    let a = "plain";
    let b = "escapes: \n \r \t \\ \0 \' \" \x7F \u{1F600} \u{e9}";
    let c = "multi
line string";
    let d = "continued \
             line";
    let e = r"raw \n no escapes";
    let f = r#"raw with "quotes""#;
    let g = r##"raw with "# inside"##;
    let h = r###"even "## this"###;
    let i = b"bytes \x00\xff";
    let j = br"raw bytes";
    let k = br#"raw "bytes""#;
    let l = 'x';
    let m = '\n';
    let n = '\'';
    let o = '"';
    let p = '\u{10FFFF}';
    let q = 'é';
    let r = b'a';
    let s = b'\xFF';
    let t = '\\';
    let u = "unicode: héllo wörld ✓";
    let v = r#type;
    let _ = (a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v);
}

fn lifetimes_and_chars<'a>(x: &'a str) -> (&'a str, char) {
    let c = 'a';
    let label_loop = 'outer: loop {
        break 'outer 'b';
    };
    (x, if c == 'a' { label_loop } else { '\t' })
}
