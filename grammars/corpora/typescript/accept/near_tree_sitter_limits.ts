// Constructs next to the places where the grammar follows tree-sitter-typescript more strictly than
// TypeScript (found by `maze grammar fuzz`): all of these parse in both.
type Keys<T> = { [K in keyof T]: T[K] };
type IsString<T> = T extends string ? true : false;
type Big = bigint;
type Sym = unique symbol;
type Ro = readonly string[];
type Ns = Intl.Collator;

interface Dict {
  [key: string]: unknown;
  readonly size: number;
  get length(): number;
}

function isString(x: unknown): x is string {
  return typeof x === "string";
}

abstract class Shape implements Dict {
  [key: string]: unknown;
  readonly size = 0;
  private static count = 0;
  protected abstract area(): number;
  get length(): number { return Shape.count; }
  overload(x: string): void;
  overload(x: unknown): void {}
}

let definite!: number;
let value: number | undefined = 1;
const o = { a: 1, b: 2 };
let a = 0, b = 1;
({ a, b = 3 } = o);
value! += 1;
const type = "t", namespace = "n", module = "m";
export { namespace as ns, module };
