// Destructuring with defaults, rest/spread, computed keys and swapping.
const config = { host: "localhost", port: 8080, tls: { enabled: false } };
const { host, port = 80, tls: { enabled: tlsOn = true } = {}, ...rest } = config;
const [first, , third = 3, ...others] = [1, 2, undefined, 4, 5];

let a = 1, b = 2;
[a, b] = [b, a];
({ a, b } = { a: b, b: a });

function draw({ x = 0, y = 0, color: [r, g, bl] = [0, 0, 0] } = {}, ...layers) {
  return { x, y, r, g, bl, layers };
}

const merged = { ...config, ...{ port: 443 }, [`key_${a}`]: true };
const list = [...others, ...new Set([1, 1, 2])];
const fn = (...args) => Math.max(...args);

for (const [key, value] of Object.entries(merged)) {
  console.log(key, value);
}

for (const { id, tags: [firstTag] = [] } of [{ id: 1, tags: ["x"] }]) {
  console.log(id, firstTag);
}

const shorthand = { host, port, draw, fn, list };
export { shorthand as default, draw };
