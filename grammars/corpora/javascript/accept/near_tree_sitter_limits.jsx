// Constructs next to the places where the grammar follows tree-sitter-javascript more strictly than
// JavaScript (found by `maze grammar fuzz`): all of these parse in both.
class Counter {
  #count = 0;
  static total = 0;
  get value() { return this.#count; }
  set value(v) { this.#count = v; }
  has(other) { return #count in other; }
  [Symbol.iterator]() { return [][Symbol.iterator](); }
}

function meta() {
  const target = new.target;
  return [target, import.meta.url];
}

let a = 1, b = 2, o = { a: 1, b: 2 }, xs = [1, 2];
[a, b] = [b, a];
({ a, b = 3 } = o);
(a) = 4;
o.a += 1;
o?.b;
a = b = 5;
a = b ? a : b = 6;
const inside = "a" in o && o instanceof Object;
for (const x of xs) a += x;
for (const key in o) b -= 1;
const anonymous = class {};
const s = "\x41\u0041\u{1F600}";
const t = `\x41${a}\u{41}`;
const re = /a+/giu;
const d = a-- - -b;
const e = a++ + +b;
const view = (
  <main data-if="1" className="box">
    Tom &amp; Jerry &#38; friends
    <a.b />
    <section>{inside ? <p>yes</p> : null}</section>
  </main>
);
export { a as aa, b };
export default class {}
