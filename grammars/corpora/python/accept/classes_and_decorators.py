import functools


class Empty:
    pass


class Point(object):
    """A 2D point."""

    dims: int = 2
    __slots__ = ("x", "y")

    def __init__(self, x=0.0, y=0.0):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Point({self.x!r}, {self.y!r})"

    @property
    def norm(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

    @norm.setter
    def norm(self, value):
        raise AttributeError("read only")

    @staticmethod
    def origin():
        return Point()

    @classmethod
    def from_tuple(cls, t):
        return cls(*t)


class Meta(type):
    def __new__(mcs, name, bases, ns, **kwargs):
        return super().__new__(mcs, name, bases, ns)


class Tagged(Point, metaclass=Meta, tag="demo"):
    pass


def logged(level="info"):
    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            print(level, func.__name__)
            return func(*args, **kwargs)
        return wrapper
    return decorate


@logged()
@logged(level="debug")
@functools.lru_cache(maxsize=None)
def compute(n):
    return n * n


@(lambda cls: cls)
class Decorated:
    x = [i for i in range(3)]
