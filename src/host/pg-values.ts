// wasmcloud:postgres's pg-value as jco represents it ({ tag, val }), to and from what crosses to
// the main thread. The text, JSON, numeric, integer, float and boolean cases are carried; the
// others are refused as invalid-params.
import type { PlainValue, QueryErrorValue } from "./database.js";

export interface PgValue {
  tag: string;
  val?: unknown;
}

const STRINGS = new Set(["text", "json", "jsonb", "name", "uuid", "numeric", "decimal", "money", "xml", "cidr", "inet"]);
const INTEGERS = new Set(["big-int", "int8", "big-serial", "serial8", "integer", "int", "int4", "serial", "serial4", "small-int", "int2", "small-serial", "serial2"]);
const BOOLEANS = new Set(["bool", "boolean"]);
const FLOATS = new Set(["double", "float8", "real", "float4"]);

export function toParam(v: PgValue): PlainValue {
  if (v.tag === "null") return null;
  if (STRINGS.has(v.tag)) return v.val as string;
  if (INTEGERS.has(v.tag)) return String(v.val);
  if (BOOLEANS.has(v.tag)) return v.val as boolean;
  if (FLOATS.has(v.tag)) return fromHashable(v.val as [bigint, number, number]);
  throw { tag: "invalid-params", val: `a ${v.tag} parameter is not supported by the local host (text, json, numbers and booleans are)` } satisfies QueryErrorValue;
}

export function fromColumn(v: PlainValue): PgValue {
  if (v === null) return { tag: "null" };
  if (typeof v === "boolean") return { tag: "bool", val: v };
  if (typeof v === "number") return Number.isSafeInteger(v) ? { tag: "int8", val: BigInt(v) } : { tag: "float8", val: toHashable(v) };
  return { tag: "text", val: v };
}

/** hashable-f64 is (mantissa, exponent, sign) with value = sign * mantissa * 2^exponent. */
function fromHashable([mantissa, exponent, sign]: [bigint, number, number]): number {
  return sign * Number(mantissa) * 2 ** exponent;
}

function toHashable(x: number): [bigint, number, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const sign = bits >> 63n ? -1 : 1;
  const rawExp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  const mantissa = rawExp === 0 ? frac << 1n : frac | 0x10000000000000n;
  return [mantissa, rawExp - 1075, sign];
}
