// Constructs next to the places where the grammar follows tree-sitter-typescript's TSX more strictly
// than TypeScript (found by `maze grammar fuzz`): all of these parse in both.
type Props = { label: string; count: number };

export function Field({ label, count }: Props) {
  const inside = "a" in { a: 1 };
  return (
    <form.Group className="row">
      <label for="name" class="x">
        {label} &amp; more &#38; {count}
      </label>
      <input data-if="1" disabled />
      {inside ? <p>yes</p> : null}
    </form.Group>
  );
}
