def describe(command):
    match command.split():
        case []:
            return "empty"
        case ["go", direction]:
            return f"going {direction}"
        case ["pick", "up", *items] if items:
            return f"picking {items}"
        case ["drop", item] | ["discard", item]:
            return item
        case [("north" | "south") as way, _]:
            return way
        case _:
            return "unknown"


def shapes(shape):
    match shape:
        case Point(x=0, y=0):
            return "origin"
        case Point(x=0, y=y) | Point(x=y, y=0):
            return y
        case Circle(center=Point(x, y), radius=r) if r > 0:
            return x, y, r
        case {"type": "box", "size": size, **rest}:
            return size, rest
        case {"type": _}:
            return None
        case 0 | 1 | -1 | 2.5 | -3j | 1 + 2j:
            return "number"
        case "text" | b"bytes" | None | True | False:
            return "literal"
        case Color.RED:
            return "red"
        case (a, b, *others):
            return a, b, others
        case str() as text:
            return text


match = {"case": 1}
case = match["case"]
match(case)


def tuple_subject(a, b):
    match a, b:
        case 1, 2:
            pass
        case (x, y) if x == y: return x
