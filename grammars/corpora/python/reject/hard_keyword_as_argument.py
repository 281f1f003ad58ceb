y = g(a,
    return x)
