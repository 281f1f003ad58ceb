// Annotations, generic functions, classes and calls (`f<T>(x)` vs comparisons).
let count: number = 0;
const names: string[] = [];
const table: Array<Map<string, Set<number>>> = [];
let maybe: string | undefined;
let tuple: [string, number] = ["a", 1];

function identity<T>(value: T): T {
  return value;
}

function pick<T extends object, K extends keyof T = keyof T>(obj: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const k of keys) out[k] = obj[k];
  return out;
}

class Box<T> {
  constructor(private readonly value: T) {}
  map<U>(fn: (v: T) => U): Box<U> {
    return new Box<U>(fn(this.value));
  }
}

const n = identity<number>(42);
const b = new Box<string>("x").map<number>((s) => s.length);
const lessThan = count < n && n > count;
const nestedArgs = pick<{ a: number; b: string }, "a">({ a: 1, b: "" }, "a");
const instantiation = identity<string>;
const wrapped: Box<Box<Array<number>>> = new Box(new Box([1]));
const arrowGeneric = <T,>(x: T): T[] => [x];
const asyncGeneric = async <T>(x: Promise<T>): Promise<T> => await x;

export { count, names, table, maybe, tuple, n, b, lessThan, nestedArgs, instantiation, wrapped, arrowGeneric, asyncGeneric };
