import re

if (match := re.search(r"\d+", "abc123")) is not None:
    print(match.group())

while chunk := input():
    print(chunk)

if n := len("abc"):
    pass

values = [y := 5, y ** 2]
print(f"{(z := 10)}", z)
filtered = [v for v in range(10) if (half := v // 2) > 2]
data = {"key": (w := 3)}
first, second, *others = range(10)
*start, end = "abc"
head, *(middle), tail = [1, 2, 3, 4]
merged = [*first_list, 0, *second_list] if False else []
kwargs = {**{"a": 1}, **{"b": 2}}
print(*range(3), sep=", ", **{"end": "\n"})
total = sum((*range(3), 4))
return_value = None


def returns_tuple():
    return *range(2), 3


def yields_star():
    yield *range(2), 3
