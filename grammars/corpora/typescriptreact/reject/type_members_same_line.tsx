type P = { a: string b: number };
