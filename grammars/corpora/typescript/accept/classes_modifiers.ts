// Classes: access modifiers, parameter properties, abstract, override, accessors,
// index signatures, definite assignment, optional members and overloads.
abstract class Base<T> {
  protected abstract readonly kind: string;
  private static instances = 0;
  declare readonly brand: unique symbol;
  [key: string]: unknown;

  constructor(protected value: T, public readonly label?: string) {
    Base.instances++;
  }

  abstract describe(): string;
  abstract get size(): number;

  protected helper?(): void;
}

class Concrete extends Base<number> implements Iterable<number> {
  protected readonly kind = "concrete";
  name!: string;
  optional?: boolean;
  accessor count = 0;
  #secret = 1;
  static override instancesLabel = "x";

  constructor(value: number, private readonly extra: string[] = []) {
    super(value, "concrete");
  }

  override describe(): string {
    return `${this.kind}:${this.value}`;
  }

  get size(): number {
    return this.extra.length;
  }

  set size(v: number) {
    this.extra.length = v;
  }

  format(value: string): string;
  format(value: number): string;
  format(value: string | number): string {
    return String(value);
  }

  *[Symbol.iterator](): Iterator<number> {
    yield this.value;
  }

  public static create(): Concrete {
    return new Concrete(1);
  }
}

export default class {}
export { Base, Concrete };
