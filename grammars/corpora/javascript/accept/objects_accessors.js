// Object literals: getters/setters, methods, computed and quoted keys, reserved words as keys.
const key = "dynamic";
const store = {
  _value: 0,
  get value() {
    return this._value;
  },
  set value(v) {
    this._value = v;
  },
  [key]: true,
  [`${key}Method`]() {
    return key;
  },
  "with spaces": 1,
  0x10: "hex key",
  1.5: "float key",
  if: 1,
  class: 2,
  default: 3,
  new: 4,
  function: 5,
  get: 6,
  set: 7,
  async: 8,
  static: 9,
  get get() { return 10; },
  async *[Symbol.asyncIterator]() {},
  nested: { deep: { deeper: [1, { x: 2 }] } },
};

store.value = 5;
store.if + store.class + store.default;
store.delete = () => {};
store.delete();
store["with spaces"]++;
Object.defineProperty(store, "frozen", { value: 1, writable: false, enumerable: true });
const { if: ifValue, class: klass, ...remaining } = store;
const proto = { __proto__: null, toString() { return "proto"; } };
export { store, ifValue, klass, remaining, proto };
