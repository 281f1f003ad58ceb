// Enums (const, declare, string/computed members), namespaces and nested modules.
enum Direction {
  Up = 1,
  Down,
  Left,
  Right,
}

enum Mixed { A = "a", B = 2, C = B * 2, D = "d".length, "E-F" = 5 }

const enum Flags {
  None = 0,
  Read = 1 << 0,
  Write = 1 << 1,
  ReadWrite = Read | Write,
}

declare enum Ambient { X, Y }
declare const enum AmbientConst { Z = 1 }

namespace Geometry {
  export interface Point { x: number; y: number }
  export const origin: Point = { x: 0, y: 0 };
  export namespace Vectors {
    export function add(a: Point, b: Point): Point {
      return { x: a.x + b.x, y: a.y + b.y };
    }
  }
}

namespace Company.Product.Feature {
  export type Id = string;
}

module Legacy {
  export var value = 1;
}

const p = Geometry.Vectors.add(Geometry.origin, { x: 1, y: 2 });
const flags = Flags.ReadWrite & Flags.Read;
const dir: Direction = Direction.Up;
export { p, flags, dir, Mixed };
