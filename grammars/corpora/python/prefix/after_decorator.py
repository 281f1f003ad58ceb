@functools.cache
