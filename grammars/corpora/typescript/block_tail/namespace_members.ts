  export function helper(x: number): string {
    return x.toFixed(2);
  }
  export const enum Mode { Fast, Slow }
}

declare module "other" {
  export = Other;
}
