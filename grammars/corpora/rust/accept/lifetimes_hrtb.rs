struct Parser<'src> {
    input: &'src str,
    pos: usize,
}

impl<'src> Parser<'src> {
    fn new(input: &'src str) -> Parser<'src> {
        Parser { input, pos: 0 }
    }

    fn peek<'a>(&'a self) -> Option<&'src str>
    where
        'src: 'a,
    {
        self.input.get(self.pos..)
    }

    fn rest(&mut self) -> &'src str {
        let r = &self.input[self.pos..];
        self.pos = self.input.len();
        r
    }
}

fn call_with<F>(f: F) -> usize
where
    F: for<'a> Fn(&'a str) -> &'a str,
{
    f("hello").len()
}

fn longest<'a, 'b: 'a, T: 'a + ?Sized>(x: &'a T, _y: &'b T) -> &'a T {
    x
}

struct Holder<'a, T: 'a>(&'a T);

fn anon(p: &Parser<'_>, h: Holder<'static, u8>) -> usize {
    let f: &dyn for<'x> Fn(&'x u8) -> &'x u8 = &|x| x;
    p.pos + *f(h.0) as usize
}
