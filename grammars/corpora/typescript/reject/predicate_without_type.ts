function g(x: unknown): asserts x is;
