s = "\u0e9"
t = 1
