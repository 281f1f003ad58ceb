identity = lambda x: x
no_args = lambda: None
defaults = lambda a, b=2, *args, c=3, **kw: (a, b, args, c, kw)
positional = lambda a, /, b: a + b
star_only = lambda *, key: key
nested = lambda x: lambda y: x + y
conditional_body = lambda n: "even" if n % 2 == 0 else "odd"
in_call = sorted([3, 1, 2], key=lambda v: -v)
in_dict = {"inc": lambda v: v + 1, "dec": lambda v: v - 1}
choice = identity(1) if no_args() is None else defaults(0)
guard = (lambda: 1)() or 0
multi_line = (
    lambda a,
    b: a
    + b
)
