// Module syntax with TypeScript additions: type-only imports/exports, import =, export =.
import fs = require("fs");
import type { Stats } from "fs";
import { type Dirent, readdirSync } from "fs";
import type * as Path from "path";
import Default, { named as alias } from "./local";
import * as ns from "./local";
import "./polyfill";
import Alias = ns.inner.value;

export type { Stats };
export type { Dirent as Entry } from "fs";
export { readdirSync, alias };
export { readdirSync as readDir } from "fs";
export * from "./local";
export * as local from "./local";
export import Reexported = ns.inner;
export const stat: Stats | undefined = undefined;
export default Default;

const lazy = await import("./lazy");
const meta = import.meta.url;
type Lazy = typeof import("./lazy");
type LazyFoo = import("./lazy").Foo;
fs.existsSync(meta);
export { lazy, Alias };
