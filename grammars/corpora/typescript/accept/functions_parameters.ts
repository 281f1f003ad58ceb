// Function forms: optional, default, rest and destructured typed parameters, overloads,
// generics with constraints/defaults and const type parameters.
function opt(a: number, b?: string, c: boolean = false, ...rest: unknown[]): void {}

function destructured({ x, y = 0 }: { x: number; y?: number }, [first, ...others]: number[] = []): number {
  return x + y + first + others.length;
}

function overload(value: string): string;
function overload(value: number, radix?: number): string;
function overload(value: string | number, radix = 10): string {
  return typeof value === "string" ? value : value.toString(radix);
}

function constrained<T extends { length: number }, U extends T[] = T[]>(items: U): T | undefined {
  return items[0];
}

function literal<const T extends readonly unknown[]>(x: T): T {
  return x;
}

interface Producer<T> { get(): T }

const arrow = (a: number, b: number): number => a + b;
const optionalArrow = (a?: string) => a ?? "";
const typedFnVar: (x: number) => string = (x) => `${x}`;
const genericMethod = { run<T>(x: T): T { return x; } };
const asyncFn = async function named(this: unknown, n: number): Promise<void> {};
function* typedGen(): Generator<number, string, boolean> {
  const ok: boolean = yield 1;
  return ok ? "done" : "stopped";
}
async function* typedAsyncGen(): AsyncGenerator<number> {
  yield 1;
}

export { opt, destructured, overload, constrained, literal, arrow, optionalArrow, typedFnVar, genericMethod, asyncFn, typedGen, typedAsyncGen };
