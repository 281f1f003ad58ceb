fn chains(─text: &str) {}
