    pub fn get(&self) -> u32 {
        self.value
    }

    fn set(&mut self, v: u32) { self.value = v; }
}

impl Default for Holder {
    fn default() -> Self { Holder { value: 0 } }
}
