// Tuples: labelled, optional and rest elements, readonly, variadic.
type Pair = [string, number];
type Labelled = [name: string, age: number];
type OptionalTail = [string, number?, boolean?];
type LabelledOptional = [first: string, second?: number];
type RestMiddle = [string, ...number[], boolean];
type LabelledRest = [head: string, ...tail: number[]];
type Variadic<T extends unknown[]> = [...T, number];
type Concat<A extends unknown[], B extends unknown[]> = [...A, ...B];
type ReadonlyTuple = readonly [x: number, y: number];
type Nested = [[number, number], [string, [boolean]]];
type Empty = [];
type Len<T extends readonly unknown[]> = T["length"];
type ArrayOfTuples = Array<[string, number]>;
type TupleArray = [string, number][];

const pair: Pair = ["a", 1];
const readonlyPair: ReadonlyTuple = [1, 2] as const;
const [name, age]: Labelled = ["x", 3];
function tupleFn(...args: [a: string, b?: number]): void {}
const spread: Concat<[1], [2, 3]> = [1, 2, 3];
export type { OptionalTail, LabelledOptional, RestMiddle, LabelledRest, Variadic, Nested, Empty, Len, ArrayOfTuples, TupleArray };
export { pair, readonlyPair, name, age, tupleFn, spread };
