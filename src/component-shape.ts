import { createHash } from "node:crypto";
import { exports, imports, SECTION, sections } from "./wasm-binary.js";

/**
 * A component seen as its first core module (for a Go task: the task's code) and the rest
 * (the adapter, shims, types, wiring). jco's transpile output depends on the rest and on the
 * names that module imports and exports, not on its code: two components with the same `key`
 * transpile to the same JS and the same other core modules.
 */
export interface ComponentShape {
  key: string;
  /** The first core module, as jco writes it to `<name>.core.wasm`. */
  main: Uint8Array;
}

export function componentShape(component: Uint8Array): ComponentShape | undefined {
  const parts = sections(component, "component");
  const mainAt = parts.findIndex((s) => s.id === SECTION.CORE_MODULE);
  if (mainAt < 0) return undefined;
  const main = parts[mainAt]!.payload;
  const hash = createHash("sha256");
  parts.forEach((s, i) => {
    if (i !== mainAt) hash.update(`${s.id}:${s.payload.length}:`).update(s.payload);
  });
  const module = sections(main);
  const section = (id: number) => module.find((s) => s.id === id)?.payload;
  const imported = section(SECTION.IMPORT);
  const exported = section(SECTION.EXPORT);
  hash.update(JSON.stringify([imported ? imports(imported).map((i) => [i.module, i.name, i.kind]) : [], exported ? exports(exported).map((e) => [e.name, e.kind]) : []]));
  return { key: hash.digest("hex"), main };
}
