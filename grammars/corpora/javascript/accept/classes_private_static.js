// Classes: private fields and methods, static blocks, accessors, inheritance.
class Counter extends EventTarget {
  #count = 0;
  #step;
  static instances = 0;
  static #registry = new Map();

  static {
    Counter.#registry.set("default", new Counter(1));
  }

  constructor(step = 1) {
    super();
    this.#step = step;
    Counter.instances++;
  }

  get value() {
    return this.#count;
  }

  set value(v) {
    if (typeof v !== "number") throw new TypeError("number expected");
    this.#count = v;
  }

  #notify() {
    this.dispatchEvent(new Event("change"));
  }

  increment() {
    this.#count += this.#step;
    this.#notify();
    return this;
  }

  static isCounter(obj) {
    return #count in obj;
  }

  static get registry() {
    return Counter.#registry;
  }

  'quoted method'() {}
  42() { return 42 }
  [Symbol.iterator]() {
    return [this.#count][Symbol.iterator]();
  }
}

const Anonymous = class {
  field = 1
  other
};

export default Counter;
