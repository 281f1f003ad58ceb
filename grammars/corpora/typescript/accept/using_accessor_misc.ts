// Newer syntax: using declarations, accessor fields, satisfies, override, static blocks.
class Resource implements Disposable {
  static #count = 0;
  static {
    Resource.#count = 0;
  }
  accessor name = "res";
  [Symbol.dispose](): void {
    Resource.#count--;
  }
}

function useResource(): number {
  using res = new Resource();
  return res.name.length;
}

async function useAsync(): Promise<void> {
  await using handle = { async [Symbol.asyncDispose]() {} };
}

const routes = {
  home: "/",
  about: "/about",
} satisfies Record<string, `/${string}`>;

class Parent {
  greet(): string { return "hi"; }
}
class Child extends Parent {
  override greet(): string { return `${super.greet()}!`; }
}

let big: bigint = 10n ** 20n;
const sep = 1_000_000;
label: {
  if (sep > 0) break label;
}
export { useResource, useAsync, routes, Child, big };
