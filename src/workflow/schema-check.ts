import { readFileSync } from "node:fs";
import AjvModule, { type ErrorObject, type ValidateFunction } from "ajv";
import ajvErrorsModule from "ajv-errors";
import { closest, distance } from "fastest-levenshtein";
import type { Diagnostic } from "../errors.js";
import { SCHEMA_FILE } from "../paths.js";
import { PLANNED_TEMPLATES, TEMPLATE_NAMES } from "./types.js";
import type { YamlPath, YamlSource } from "./yaml-source.js";

// ajv and ajv-errors are CommonJS with a `default` export; under NodeNext the namespace wraps it.
const Ajv = AjvModule.default;
const ajvErrors = ajvErrorsModule.default;

let compiled: { validate: ValidateFunction; publishSubject: ValidateFunction } | undefined;
function validators(): NonNullable<typeof compiled> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    ajvErrors(ajv);
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { $id: string };
    const validate = ajv.compile(schema);
    compiled = { validate, publishSubject: ajv.getSchema(`${schema.$id}#/definitions/publishSubject`)! };
  }
  return compiled;
}

/** Checks the workflow against schema/workflow.schema.json and says where each problem is. */
export function checkSchema(src: YamlSource): Diagnostic[] {
  const { validate } = validators();
  if (validate(src.value)) return [];
  // A propertyNames error only repeats the error of the key it wraps.
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== "if" && e.keyword !== "propertyNames");
  return dedupe(errors.map((e) => toDiagnostic(src, e)));
}

/** Whether `topic` passes the schema's checks of a dest_topic. */
export function isPublishSubject(topic: string): boolean {
  return validators().publishSubject(topic) as boolean;
}

function toDiagnostic(src: YamlSource, e: ErrorObject): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const where = describe(path);
  const at = (p: YamlPath) => ({ file: src.file, ...src.locate(p) });

  const badKey = keyName(e);
  if (badKey !== undefined) {
    // The key itself is not repeated: it may hold the very characters the check refuses.
    return { file: src.file, ...(src.locateKey(path, badKey) ?? src.locate(path)), message: `${where}the key here ${e.message ?? "is not valid"}` };
  }

  if (e.keyword === "additionalProperties") {
    const key = String(e.params.additionalProperty);
    const pos = src.locateKey(path, key) ?? src.locate(path);
    return { file: src.file, ...pos, message: `${where}unknown key "${key}"${suggestKey(e, key)}` };
  }
  if (e.keyword === "required") {
    return { ...at(path), message: `${where}missing required key "${String(e.params.missingProperty)}"` };
  }
  if (e.keyword === "enum" && path.at(-1) === "type") {
    const given = String(valueAt(src.value, path));
    const planned = PLANNED_TEMPLATES[given];
    const hint = planned ? `: ${planned}` : didYouMean(given, TEMPLATE_NAMES);
    return { ...at(path), message: `${where}unknown template "${given}"${hint} (templates: ${TEMPLATE_NAMES.join(", ")})` };
  }
  if (e.keyword === "type") {
    if (path.length === 0 && (src.value === null || src.value === undefined)) {
      return { ...at(path), message: "the workflow is empty; it needs project_name and tasks" };
    }
    const given = valueAt(src.value, path);
    const hint = e.params.type === "string" && (typeof given === "number" || typeof given === "boolean") ? ` (write it in quotes: "${src.sourceText(path) ?? String(given)}")` : "";
    return { ...at(path), message: `${where}must be ${article(String(e.params.type))}${hint}` };
  }
  if (e.keyword === "uniqueItems") {
    return { ...at([...path, e.params.i as number]), message: `${where}lists the same value twice` };
  }
  return { ...at(path), message: `${where}${e.message ?? "is not valid"}` };
}

/** The map key a propertyNames check refused, if that is what `e` reports. */
function keyName(e: ErrorObject): string | undefined {
  const inner = e.keyword === "errorMessage" ? (e.params.errors as ErrorObject[])[0] : e;
  const name = (inner as { propertyName?: unknown } | undefined)?.propertyName;
  return typeof name === "string" ? name : undefined;
}

/** `/tasks/0/dest_topic` → ["tasks", 0, "dest_topic"]. */
function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** ["tasks", 0, "dest_topic"] → `tasks[0].dest_topic: ` */
function describe(path: YamlPath): string {
  if (path.length === 0) return "";
  const text = path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
  return `${text}: `;
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let v = root;
  for (const p of path) v = (v as Record<string | number, unknown> | undefined)?.[p];
  return v;
}

function suggestKey(e: ErrorObject, key: string): string {
  return didYouMean(key, Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}));
}

/** `; did you mean "x"?` when one of `known` is a likely typo of `given`, else "". */
function didYouMean(given: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  const best = closest(given, [...known]);
  const near = distance(best, given) <= Math.max(2, given.length / 3) || (given.length >= 4 && best.startsWith(given));
  return near ? `; did you mean "${best}"?` : "";
}

function article(type: string): string {
  return { object: "a map", array: "a list", string: "a string", number: "a number", integer: "a whole number" }[type] ?? type;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.line}:${d.col}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
