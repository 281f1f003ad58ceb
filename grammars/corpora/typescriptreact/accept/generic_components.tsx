import type { ReactNode } from "react";

interface ListProps<T> {
  items: readonly T[];
  render: (item: T, index: number) => ReactNode;
  keyOf?: (item: T) => string | number;
}

export function List<T>({ items, render, keyOf = (_item: T) => 0 }: ListProps<T>) {
  return <ul>{items.map((item, i) => <li key={keyOf(item)}>{render(item, i)}</li>)}</ul>;
}

export const identity = <T,>(value: T): T => value;
export const pairUp = <A, B>(a: A, b: B): [A, B] => [a, b];
export const constrained = <T extends { id: string }>(x: T) => x.id;

export function Usage() {
  return (
    <List<string>
      items={["a", "b"]}
      render={(s) => <strong>{s.toUpperCase()}</strong>}
    />
  );
}
