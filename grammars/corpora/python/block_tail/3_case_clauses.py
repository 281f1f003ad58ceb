            return "first"
        case [x, *rest]:
            return x
        case _:
            pass
    return None
