type M<T> = { [K in keyof T] };
