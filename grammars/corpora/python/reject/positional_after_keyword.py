call(key=1, 2)
