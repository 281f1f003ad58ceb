// Optional chaining, nullish coalescing, logical assignment, exponent, bigint.
const user = { profile: { name: "Ada" }, tags: null, greet() { return "hi"; } };

const name = user?.profile?.name ?? "anonymous";
const firstTag = user.tags?.[0];
const greeting = user.greet?.();
const missing = user.missing?.deep.chain;

let limit = null;
limit ??= 10;
let enabled = false;
enabled ||= true;
let count = 5;
count &&= count - 1;

const square = 2 ** 10;
let power = 3;
power **= 2;
const big = 12345678901234567890n * 2n;
const hex = 0xff_ff, oct = 0o755, bin = 0b1010_1010, sci = 6.02e23, frac = .5, trailing = 5.;

const mixed = (a, b, c) => (a || b) ?? c;
const bits = (count << 2) | (power >>> 1) ^ ~square & 0xf;
const cmp = count >= 3 && count <= 10 || count !== 0 && count != 1;
const tern = count > 2 ? "big" : count > 1 ? "medium" : "small";
const types = typeof user === "object" && !(user instanceof Array) && "profile" in user;
void 0;
delete user.tags;
let i = 0;
i++; i--; ++i; --i;
const neg = -i + +"3" - -1;
export { name, firstTag, greeting, missing, big, hex, oct, bin, sci, frac, trailing, mixed, bits, cmp, tern, types, neg };
