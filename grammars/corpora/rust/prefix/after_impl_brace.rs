struct Counter { n: u32 }

impl Counter {