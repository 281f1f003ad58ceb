// Template literals: nested substitutions, tagged templates, escapes, dollars.
const who = "world";
const simple = `hello ${who}`;
const nested = `outer ${`inner ${who.toUpperCase()} ${1 + 2}`} done`;
const multiline = `line one
line two ${who}
  indented`;
const dollars = `price: $5, $${10 + 5}, $ and $`;
const escaped = `back\`tick \${not a substitution} \\ end`;
const objInside = `value: ${{ a: 1 }.a} and ${[1, 2].map((x) => `<${x}>`).join("")}`;

function tag(strings, ...values) {
  return strings.raw.map((s, i) => s + (values[i] ?? "")).join("");
}

const tagged = tag`a${1}b${2}c`;
const member = String.raw`C:\path\${who}`;
const called = tag`first`.length;
const empty = ``;
const conditional = `${who ? `yes ${who}` : "no"}`;

export { simple, nested, multiline, dollars, escaped, objInside, tagged, member, called, empty, conditional };
