x = 9orgpread
