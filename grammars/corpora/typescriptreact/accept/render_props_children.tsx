import type { ReactElement, ReactNode } from "react";

interface ToggleProps {
  initial?: boolean;
  children(state: { on: boolean; toggle(): void }): ReactElement;
}

export function Toggle({ initial = false, children }: ToggleProps) {
  let on = initial;
  const toggle = () => {
    on = !on;
  };
  return children({ on, toggle });
}

export function Page({ header, footer, children }: { header?: ReactNode; footer?: ReactNode; children: ReactNode }) {
  return (
    <div className="page">
      {header ?? <header>Default header</header>}
      <main>{children}</main>
      {footer}
    </div>
  );
}

export const Usage = () => (
  <Page header={<h1>Title</h1>} footer={<small>&copy; 2024</small>}>
    <Toggle>
      {({ on, toggle }) => (
        <button onClick={toggle} aria-pressed={on}>
          {on ? "On" : "Off"}
        </button>
      )}
    </Toggle>
  </Page>
);
