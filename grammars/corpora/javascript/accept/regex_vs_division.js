// Regular expression literals with flags versus the division operator.
const re1 = /ab+c/gi;
const re2 = /[/\]]+/u;
const re3 = /\/\*.*?\*\//s;
const re4 = /(?<year>\d{4})-(?<month>\d{2})/d;
const re5 = /[\p{L}--\p{Ll}]/v;
const half = 10 / 2;
const ratio = half / re1.lastIndex / 3;
let x = 100;
x /= 4;
const fn = (a, b) => a / b;
const mixed = fn(9, 3) / 2 / (1 / 4);

if (/^\s*$/.test("   ")) {
  console.log("blank");
}

const parts = "a/b/c".split(/\//).map((p) => p.length / 2);
const afterParen = (x) / 2;
const afterBracket = [x][0] / 2;
const inArray = [/a/, /b/g, 1 / 2];
const inCall = "x".replace(/x/g, "/");
const lastLine = x
  / 2;

export { re1, re2, re3, re4, re5, ratio, mixed, parts, afterParen, afterBracket, inArray, inCall, lastLine };
