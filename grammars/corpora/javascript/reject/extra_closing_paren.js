const total = sum(a, b));
