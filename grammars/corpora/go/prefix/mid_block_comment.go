package p

/* an unterminated
block comment