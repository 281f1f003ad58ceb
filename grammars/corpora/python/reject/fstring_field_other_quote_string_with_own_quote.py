s = f"{'a"b'}"
t = 1
