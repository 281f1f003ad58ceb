// Interfaces: members separated by `;`, `,` or line breaks, every signature kind.
interface Shape {
  readonly id: string;
  area(): number;
  scale?(factor: number): Shape
}

interface Dictionary<T> {
  [key: string]: T;
  readonly [index: number]: T
}

interface Callable {
  (x: number): string;
  new (x: string): Callable;
  <T>(value: T): T
  prop: number,
  other?: string,
}

interface Accessors {
  get value(): number;
  set value(v: number);
}

interface Extended extends Shape, Dictionary<number> {
  kind: "extended"
  nested: {
    deep: { deeper: boolean }
    list: Array<{ x: number; y: number }>
  }
  method<K extends keyof this>(key: K): this[K]
  "quoted-key": string
  42: number
  [Symbol.iterator](): Iterator<number>
}

interface Empty {}

export interface Exported<T = unknown> extends Partial<Record<string, T>> {
  readonly size: number
}
