// Narrowing, exhaustive switches, catch variables, labelled loops with types.
type Shape =
  | { kind: "circle"; radius: number }
  | { kind: "square"; side: number }
  | { kind: "rect"; w: number; h: number };

function area(s: Shape): number {
  switch (s.kind) {
    case "circle":
      return Math.PI * s.radius ** 2;
    case "square":
      return s.side * s.side;
    case "rect": {
      const { w, h } = s;
      return w * h;
    }
    default: {
      const never: never = s;
      throw new Error(`unexpected ${JSON.stringify(never)}`);
    }
  }
}

function parse(input: string): number | undefined {
  try {
    return JSON.parse(input) as number;
  } catch (err: unknown) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function describe(x: string | number | string[] | null): string {
  if (x === null) return "null";
  if (typeof x === "string") return x;
  if (Array.isArray(x)) return x.join(",");
  if ("toFixed" in x) return x.toFixed(2);
  return String(x);
}

const grid: number[][] = [[1, 2], [3, 4]];
outer: for (const row of grid) {
  for (const cell of row) {
    if (cell > 2) break outer;
  }
}
for (const [i, v] of grid.entries() as IterableIterator<[number, number[]]>) {
  console.log(i, v);
}
export { area, parse, describe };
