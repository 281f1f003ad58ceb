def classify(n):
    if n < 0:
        kind = "negative"
    elif n == 0:
        kind = "zero"
    elif 0 < n <= 10:
        kind = "small"
    else:
        kind = "large"
    return kind


def search(items, target):
    for index, item in enumerate(items):
        if item == target:
            break
        if item is None:
            continue
    else:
        index = -1
    return index


def countdown(n):
    while n > 0:
        n -= 1
        if n == 5:
            break
    else:
        print("finished without break")
    while True:
        if not n:
            break
        n += 1


def nested_loops(grid):
    total = 0
    for row in grid:
        for cell in row:
            if cell:
                if cell > 100:
                    if cell % 2:
                        total += cell
                    else:
                        total -= cell
    return total


for a, (b, c) in [(1, (2, 3))]:
    pass

for *head, tail in [[1, 2, 3]]:
    print(head, tail)

if True:
    pass
# a comment at column 0 inside nothing
else_value = 1
