for x inside:
    pass
