        total += 1
    else:
        total = 0
    return total


def helper():
    pass
