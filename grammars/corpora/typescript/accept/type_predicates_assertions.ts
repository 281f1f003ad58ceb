// Type predicates, assertion functions, `this` types and predicates.
function isString(value: unknown): value is string {
  return typeof value === "string";
}

function assertDefined<T>(value: T, msg?: string): asserts value is NonNullable<T> {
  if (value == null) throw new Error(msg ?? "undefined");
}

function assertTruthy(condition: unknown): asserts condition {
  if (!condition) throw new Error("falsy");
}

class Node2 {
  children: Node2[] = [];
  isLeaf(): this is Leaf {
    return this.children.length === 0;
  }
  assertLeaf(): asserts this is Leaf {}
  add(child: Node2): this {
    this.children.push(child);
    return this;
  }
}

class Leaf extends Node2 {
  value = 0;
}

const isNumberArray = (x: unknown): x is number[] =>
  Array.isArray(x) && x.every((v) => typeof v === "number");

function handler(this: Window, ev: MouseEvent): void {
  console.log(this.innerWidth, ev.clientX);
}

export { isString, assertDefined, assertTruthy, Node2, Leaf, isNumberArray, handler };
