        total += 1
    else:
        total = 0
        for x in range(3):
            total += x
    return total


def helper():
    if True:
        pass
