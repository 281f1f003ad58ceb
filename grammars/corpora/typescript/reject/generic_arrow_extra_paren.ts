const p = <T>(x: T) => x);
