import contextlib


def copy(src, dst):
    with open(src) as fin, open(dst, "w") as fout:
        fout.write(fin.read())


def parenthesised(a, b):
    with (
        open(a) as fa,
        open(b) as fb,
    ):
        return fa.read() + fb.read()


def single_paren():
    with (contextlib.suppress(KeyError)):
        pass
    with (contextlib.nullcontext() as value):
        return value


def tuple_target():
    with contextlib.nullcontext((1, 2)) as (x, y):
        return x + y


async def async_with(lock):
    async with lock:
        pass
    async with lock as held, lock:
        pass


with contextlib.suppress(Exception): pass
