// as, as const, satisfies, non-null assertions, angle-bracket assertions, optional chaining.
interface Cfg { port: number; host?: string; nested?: { deep?: { value: number } } }
declare const raw: unknown;
declare const maybeCfg: Cfg | undefined;

const cfg = raw as Cfg;
const again = raw as unknown as Record<string, number>;
const colors = ["red", "green"] as const;
const settings = { port: 80 } satisfies Partial<Cfg>;
const both = { a: 1 } as const satisfies Record<string, number>;
const port = maybeCfg!.port;
const deep = maybeCfg?.nested?.deep!.value;
const host = maybeCfg?.host!;
const legacyCast = <Cfg>raw;
const legacyNested = <Array<number>>(<unknown>[1, 2]);
const el = document.getElementById("app")!;
const arr = [1, 2, 3]!;
let definite!: string;
const len = (cfg.host as string).length;
const generic = new Map<string, number[]>();
const call = generic.get("k")?.map((x) => x * 2)!;
const cond = cfg.port > 1000 ? (cfg.port as number) : 0;
const fnCast = (raw as (x: number) => string)(1);
const objCast = <const>{ k: "v" };
export { cfg, again, colors, settings, both, port, deep, host, legacyCast, legacyNested, el, arr, definite, len, call, cond, fnCast, objCast };
