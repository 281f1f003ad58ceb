// Module syntax: every import/export form, dynamic import and import.meta.
import defaultExport from "./module.js";
import * as everything from "./module.js";
import { a, b as renamed, default as other } from "./module.js";
import def, { c, d } from "./module.js";
import def2, * as ns from "./module.js";
import "./side-effect.js";
import data from "./data.json" with { type: "json" };
import { "string name" as stringName } from "./module.js";

export const one = 1, two = 2;
export let mutable;
export function exportedFn() {}
export async function exportedAsync() {}
export function* exportedGen() {}
export class ExportedClass {}
export { a, renamed as alias, c as "string export" };
export * from "./reexport.js";
export * as namespace from "./reexport.js";
export { default } from "./other.js";
export { default as otherDefault, d as dee } from "./other.js";

const url = new URL("./asset.png", import.meta.url);
const lazy = await import("./lazy.js");
const conditional = await import(`./locale/${navigator.language}.js`);

export default function () {
  return [defaultExport, everything, other, def, def2, ns, data, stringName, url, lazy, conditional];
}
