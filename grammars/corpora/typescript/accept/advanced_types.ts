// Union, intersection, conditional, mapped, indexed, template literal and infer types.
type Primitive = string | number | boolean | bigint | symbol | null | undefined;
type Named = { name: string } & { id: number };
type Keys = keyof Named;
type NameType = Named["name"];
type Elem<T> = T extends readonly (infer U)[] ? U : never;
type Awaited2<T> = T extends PromiseLike<infer V> ? Awaited2<V> : T;
type IsString<T> = T extends string ? true : false;
type Nested<T> = T extends string
  ? "str"
  : T extends number
    ? "num"
    : "other";

type Partial2<T> = { [K in keyof T]?: T[K] };
type Mutable<T> = { -readonly [K in keyof T]-?: T[K] };
type Frozen<T> = { +readonly [K in keyof T]+?: T[K] };
type Getters<T> = {
  [K in keyof T as `get${Capitalize<string & K>}`]: () => T[K];
};

type EventName = `on${"Click" | "Hover"}`;
type Path = `${string}/${string}`;
type First<T extends unknown[]> = T extends [infer H, ...infer _R] ? H : never;
type StrHead<T> = T extends [infer H extends string, ...unknown[]] ? H : never;
type Neg = -1 | 0 | 1;
type Lit = "a" | 'b' | 42 | true;
type Fn = (a: number, b?: string, ...rest: boolean[]) => void;
type Ctor = new (...args: any[]) => object;
type AbstractCtor = abstract new () => object;
type Tup = [name: string, age?: number, ...tags: string[]];
type RO = readonly string[];
type Idx = Named[keyof Named];
type ArrOfUnion = (string | number)[];
type FnUnion = (() => void) | null;
type LeadingPipe =
  | { kind: "a" }
  | { kind: "b" };
type LeadingAmp = & { a: 1 } & { b: 2 };
type Sym = typeof Symbol.iterator;
declare const uniq: unique symbol;
type UniqType = typeof uniq;
