import { componentShape } from "../component-shape.js";
import type { ComponentInterfaces } from "./artifact.js";

/** By component shape: every version of a task has the same world, read once (some 20 ms). */
const known = new Map<string, ComponentInterfaces>();

/** The imports and exports of a component's world, read with jco (loaded on use: it is heavy). */
export async function componentInterfaces(component: Uint8Array): Promise<ComponentInterfaces> {
  const key = shapeKey(component);
  const hit = key === undefined ? undefined : known.get(key);
  if (hit) return hit;
  const { componentWit } = await import("@bytecodealliance/jco");
  const interfaces = parseWorldInterfaces(await componentWit(component));
  if (key !== undefined) known.set(key, interfaces);
  return interfaces;
}

function shapeKey(component: Uint8Array): string | undefined {
  try {
    return componentShape(component)?.key;
  } catch {
    return undefined; // a layout the section reader does not know: ask jco every time
  }
}

/**
 * `import x;` and `export x;` lines of the world blocks of a WIT text, in order. A named
 * function or inline interface (`import log: func(…);`, `export run: interface {`) gives its name.
 */
export function parseWorldInterfaces(wit: string): ComponentInterfaces {
  const out: ComponentInterfaces = { imports: [], exports: [] };
  let depth = 0;
  let inWorld = false;
  for (const line of wit.split("\n")) {
    const code = line.replace(/\/\/.*$/, "");
    if (depth === 0 && /^\s*world\s+[%\w-]+\s*\{/.test(code)) inWorld = true;
    const m = inWorld && depth === 1 ? /^\s*(import|export)\s+([^\s;]+?)(?::\s|\s*;|\s*$)/.exec(code) : null;
    if (m) (m[1] === "import" ? out.imports : out.exports).push(m[2]!.replace(/:$/, ""));
    depth += (code.match(/\{/g) ?? []).length - (code.match(/\}/g) ?? []).length;
    if (depth === 0) inWorld = false;
  }
  return out;
}
