# Python 3.12 syntax (PEP 695): type aliases and type parameters.
type Point = tuple[float, float]
type Pair[T] = tuple[T, T]
type Mapping[K, V: str] = dict[K, V]


def first[T](items: list[T]) -> T:
    return items[0]


def apply[**P, R](func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    return func(*args, **kwargs)


def variadic[*Ts](*args: *Ts) -> tuple[*Ts]:
    return args


class Box[T]:
    def __init__(self, item: T) -> None:
        self.item = item


class Bounded[T: (int, str), U](Base[T]):
    pass


type = "still a name"
