b = b"\xg0"
