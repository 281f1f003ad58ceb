def f():
    """Summary line.

    More text that is not finished