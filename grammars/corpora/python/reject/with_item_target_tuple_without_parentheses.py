with (open(a) as fa, open(b) as fb, , x):
    pass
