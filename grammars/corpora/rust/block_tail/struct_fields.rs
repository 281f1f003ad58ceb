    pub name: String,
    #[serde(default)]
    pub count: u32,
    values: Vec<u8>,
}

enum Kind {
    A,
    B(u8),
}
