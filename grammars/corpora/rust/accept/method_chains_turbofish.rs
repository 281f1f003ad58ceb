use std::collections::BTreeMap;

fn chains(text: &str) -> Option<usize> {
    let words = text
        .split_whitespace()
        .map(str::to_lowercase)
        .filter(|w| !w.is_empty())
        .collect::<Vec<String>>();
    let counts = words.iter().fold(BTreeMap::<&str, usize>::new(), |mut m, w| {
        *m.entry(w.as_str()).or_default() += 1;
        m
    });
    let parsed = "42".parse::<u64>().ok()?.checked_mul(2)?;
    let total: usize = counts.values().copied().sum::<usize>() + parsed as usize;
    let size = std::mem::size_of::<Option<Box<u8>>>();
    let conv = <u8 as Into<u32>>::into(3) as usize;
    let default = <Vec<u8>>::default().len();
    let iter = Iterator::sum::<u32>([1u32, 2].into_iter());
    let res: Result<Vec<_>, std::num::ParseIntError> = ["1", "2"].iter().map(|s| s.parse::<i32>()).collect();
    let field = (1, (2, 3)).1.0;
    Some(total + size + conv + default + iter as usize + res.ok()?.len() + field)
}

async fn awaits() -> Result<(), ()> {
    let v = futures().await?.into_iter().next().ok_or(())?;
    let _ = v;
    Ok(())
}

async fn futures() -> Result<Vec<u8>, ()> { Ok(vec![]) }
