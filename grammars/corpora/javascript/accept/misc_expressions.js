// Comma expressions, void/typeof chains, new with members, getters on classes, misc ES2022+.
let i, j, k;
for (i = 0, j = 10; i < j; i++, j--) k = (i, j);

const arr = [1, 2, 3];
const last = arr.at(-1);
const has = Object.hasOwn({ a: 1 }, "a");
const grouped = Object.groupBy?.(arr, (x) => (x % 2 ? "odd" : "even"));
const err = new Error("outer", { cause: new Error("inner") });
const date = new Date().toISOString();
const ctor = new Intl.DateTimeFormat("en", { dateStyle: "long" }).format(new Date(0));
const sym = Symbol("s"), sym2 = Symbol.for("app");
const weak = new WeakRef({}), reg = new FinalizationRegistry(() => {});
const tagged = ((a) => a)`x`;
const parenthesized = ((((1))));
const chainedCalls = ((x) => (y) => x + y)(1)(2);
const inOperator = "a" in { a: 1 } && !("b" in {});
const deleteResult = delete arr[0];
const voided = void (i + j);
const typeofUndeclared = typeof notDeclared === "undefined";
const nestedTernary = i ? (j ? 1 : 2) : k ? 3 : 4;
const assignmentChain = (i = j = k = 0);
const sparse = [1, , 3];
const json = JSON.parse('{"a": [1, 2, {"b": null}]}');
const text = 'He said "hi"' + "It's" + `both ' and "`;
with (Math) {
  k = max(i, j) + PI;
}
export { last, has, grouped, err, date, ctor, sym, sym2, weak, reg, tagged, parenthesized, chainedCalls };
export { inOperator, deleteResult, voided, typeofUndeclared, nestedTernary, assignmentChain, sparse, json, text };
