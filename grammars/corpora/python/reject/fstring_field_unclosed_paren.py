s = f"{f(a}"
t = 1
