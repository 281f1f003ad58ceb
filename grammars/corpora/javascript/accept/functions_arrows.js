// Functions: declarations, expressions, arrows, defaults, rest, closures, IIFEs.
function add(a, b = 1, ...more) {
  return more.reduce((s, x) => s + x, a + b);
}

const mul = function multiply(a, b) { return a * b; };
const square = x => x * x;
const pair = (a, b) => [a, b];
const makeObj = () => ({ created: Date.now() });
const curried = a => b => c => a + b + c;
const withBody = (x) => {
  const y = x * 2;
  return y + 1;
};
const noParams = () => {};

(function () {
  console.log("iife");
})();

(() => console.log("arrow iife"))();

!function bang() {}();

const memo = (fn, cache = new Map()) => (key) =>
  cache.has(key) ? cache.get(key) : (cache.set(key, fn(key)), cache.get(key));

function outer() {
  let count = 0;
  return {
    inc: () => ++count,
    get current() { return count; },
  };
}

const method = {
  value: 42,
  regular() { return this.value; },
  arrow: () => this,
  "quoted-key": 1,
  123: "numeric",
  [Symbol.toPrimitive](hint) { return hint === "number" ? 42 : "42"; },
};

function Ctor() {
  if (!new.target) return new Ctor();
}
export { add, mul, square, pair, makeObj, curried, withBody, noParams, memo, outer, method, Ctor };
