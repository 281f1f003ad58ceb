// Control flow: labels, loops of every kind, switch, try, with-less blocks.
outer: for (let i = 0; i < 3; i++) {
  inner: for (let j = 0; j < 3; j++) {
    if (j === 1) continue outer;
    if (i === 2) break inner;
  }
}

for (const key in { a: 1, b: 2 }) console.log(key);
for (var i = 0, j = 10; i < j; i++, j--);
for (;;) { break; }

let n = 0;
while (n < 5) n++;
do {
  n--;
} while (n > 0);

switch (n) {
  case 0:
  case 1:
    console.log("small");
    break;
  case 2: {
    const local = n * 2;
    console.log(local);
    break;
  }
  default:
    console.log("other");
}

try {
  JSON.parse("{");
} catch (err) {
  console.error(err.message);
} finally {
  n = 0;
}

try {
  risky();
} catch {
  // optional catch binding
}

function risky() {
  debugger;
  if (n) return n;
  else if (n === 0) return null;
  else {
    return undefined;
  }
}

{
  const blockScoped = true;
  ;;
}
