// TypeScript-only declarations in a .tsx file (no angle-bracket assertions).
export type Variant = "solid" | "outline";
export interface Theme {
  colors: Record<Variant, string>;
  spacing(n: number): string;
  readonly [token: `--${string}`]: string;
}
export enum Size { Small = "sm", Large = "lg" }
export const theme = {
  colors: { solid: "#000", outline: "transparent" },
  spacing: (n: number) => `${n * 4}px`,
} satisfies Omit<Theme, `--${string}`>;
const raw: unknown = JSON.parse("{}");
const asTheme = raw as Theme;
const nonNull = document.querySelector("#root")!;
type Props<T extends keyof JSX.IntrinsicElements> = JSX.IntrinsicElements[T] & { as?: T };
declare global {
  namespace JSX {
    interface IntrinsicElements {
      "my-element": { name?: string };
    }
  }
}
export function getSize(s: Size): number {
  return s === Size.Small ? 1 : 2;
}
export { asTheme, nonNull };
export type { Props };
