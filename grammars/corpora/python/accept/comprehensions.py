numbers = [n for n in range(20)]
evens = [n for n in numbers if n % 2 == 0]
pairs = [(a, b) for a in range(3) for b in range(a) if a != b]
matrix = [[row * col for col in range(4)] for row in range(4)]
squares = {n: n * n for n in numbers}
inverted = {value: key for key, value in squares.items() if value}
letters = {ch.lower() for ch in "Hello World" if ch.isalpha()}
total = sum(n for n in numbers if n > 3)
first = next((n for n in numbers if n > 10), None)
flat = [
    cell
    for row in matrix  # iterate rows
    for cell in row
    if cell
]
conditional = [x if x > 0 else -x for x in (-1, 2, -3)]
nested_gen = list(((i, j) for i in range(2)) for j in range(2))
unpacked = [*numbers, *evens]
merged = {**squares, 0: "zero"}
walrus = [y for x in numbers if (y := x * 2) > 10]
lambdas = [lambda v, k=k: v + k for k in range(3)]


async def collect(source):
    return [item async for item in source if await item.ready()]


async def gen_await(tasks):
    return [await t for t in tasks]
