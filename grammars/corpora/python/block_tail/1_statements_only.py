    x = compute(
        1,
        2,
    )
    # comment
    if x:
        yield x
