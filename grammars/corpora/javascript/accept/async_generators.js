// async/await, generators, async generators and for-await.
async function fetchAll(urls) {
  const results = await Promise.all(urls.map(async (u) => {
    const res = await fetch(u);
    return res.json();
  }));
  return results;
}

function* range(start, end, step = 1) {
  for (let i = start; i < end; i += step) {
    yield i;
  }
}

function* delegate() {
  yield* range(0, 3);
  const received = yield;
  return received;
}

async function* ticker(limit) {
  let n = 0;
  while (n < limit) {
    await new Promise((r) => setTimeout(r, 10));
    yield n++;
  }
}

async function main() {
  for await (const tick of ticker(3)) {
    console.log(tick);
  }
  const gen = delegate();
  gen.next();
  const obj = {
    async method() { return 1; },
    *gen() { yield 2; },
    async *agen() { yield 3; },
  };
  const arrow = async () => await obj.method();
  const single = async x => x * 2;
  return [await arrow(), await single(2)];
}

main().catch((err) => console.error(err));
