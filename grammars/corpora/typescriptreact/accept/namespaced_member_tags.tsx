import * as UI from "./ui";

export function Menu({ items }: { items: { id: string; label: string; href?: string }[] }) {
  return (
    <UI.Menu.Root orientation="vertical">
      {items.map(({ id, label, href }) =>
        href ? (
          <UI.Menu.Link key={id} href={href}>{label}</UI.Menu.Link>
        ) : (
          <UI.Menu.Item key={id}>{label}</UI.Menu.Item>
        ),
      )}
      <UI.Separator />
      <custom-element some-attr="x" />
    </UI.Menu.Root>
  );
}
