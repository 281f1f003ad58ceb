s = f"{nam]e}"
t = 1
