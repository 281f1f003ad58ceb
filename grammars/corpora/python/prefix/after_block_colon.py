def check(ready):
    if ready:
