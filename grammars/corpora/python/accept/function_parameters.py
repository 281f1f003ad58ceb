def no_args():
    pass


def positional_only(a, b, /, c, d=4, *, e, f=6, **rest):
    return a + b + c + d + e + f


def star_only(*, key, value=None):
    return key, value


def var_args(first, *args, last: int = 0, **kwargs) -> tuple:
    return first, args, last, kwargs


def annotated(
    name: str,
    count: int = 1,
    *items: "Item",
    sep: str = ", ",
    **options: object,
) -> list[str]:
    return [sep.join(items)] * count


def only_kwargs(**kw):
    return kw


def slash_trailing(a, b, /,):
    return a


def defaults_with_calls(x=len("abc"), y=[1, 2], z={"k": (1, 2)}, w=lambda q: q * 2):
    return w(x)


def generator(n):
    for i in range(n):
        received = yield i
        if received is not None:
            yield from range(received)
    return "done"


def nested():
    def inner(a=1):
        def innermost():
            return a
        return innermost
    return inner()()
