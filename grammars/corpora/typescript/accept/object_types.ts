// Type literals in every position.
type Point = { x: number; y: number };
type Options = {
  readonly name: string,
  size?: number,
  onChange(value: string): void
  onClose?: () => void
  (call: number): boolean
  new (ctor: string): Options
  [extra: string]: unknown
};

let inline: { a: string, b: { c: number[] } } = { a: "", b: { c: [] } };
function takes(opts: { verbose?: boolean; level: 1 | 2 | 3 }): { ok: boolean } {
  return { ok: opts.level > 1 };
}
const handlers: Array<{ event: string; fn(e: Event): void }> = [];
type Recursive = { value: number; next: Recursive | null };
type WithMethods = {
  get(): number
  set(v: number): void
};
type Callback = { (err: Error | null, data?: string): void };
type Nullable<T> = { [K in keyof T]: T[K] | null };
type Empty = {};
type DeepReadonly<T> = {
  readonly [K in keyof T]: T[K] extends object ? DeepReadonly<T[K]> : T[K];
};
const emptyObj: Empty = {};
export type { Point, Options, Recursive, WithMethods, Callback, Nullable, DeepReadonly };
export { inline, takes, handlers, emptyObj };
