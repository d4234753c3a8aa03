// A new version of a task reuses the transpile of the last one with its code module swapped:
// the result is what jco itself writes, byte for byte; a component of another shape is transpiled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import { componentShape } from "../../src/component-shape.js";
import { prepareComponent, transpileStats } from "../../src/host/transpile-cache.js";
import { buildDir } from "../helpers/build.js";
import { tempProject } from "../helpers/project.js";

const workflow = (type: string) => `project_name: T\ntasks:\n  - {name: T, type: ${type}, code: t.go, targets: [edge], source_topic: t.in, dest_topic: t.out, component_name: t, version: 1.0.0}\n`;
const code = (body: string) => `package main\n\nimport "strings"\n\nfunc exec_task(arg string) string { ${body} }\n`;

async function component(type: string, body: string): Promise<{ bytes: Uint8Array; digest: string }> {
  const p = tempProject({ "workflow.yaml": workflow(type), "tasks/t.go": code(body) });
  try {
    const built = (await buildDir(p.dir)).get("t")!;
    return { bytes: new Uint8Array(readFileSync(built.wasm)), digest: built.digest };
  } finally {
    p.cleanup();
  }
}

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path).toString("base64"));
    }
  };
  walk(dir);
  return out;
}

test("version 2 of a task: the reused transpile equals jco's own; another world is transpiled anew", async () => {
  const [v1, v2, other] = await Promise.all([
    component("processor_nats", 'return strings.ToUpper(arg) + "|v1"'),
    component("processor_nats", 'return strings.Repeat(arg, 2) + "|v2"'),
    component("http_producer_nats", 'return strings.TrimSpace(arg) + "|http"'),
  ]);
  assert.equal(componentShape(v1.bytes)!.key, componentShape(v2.bytes)!.key, "a code change keeps the shape");
  assert.notEqual(componentShape(v1.bytes)!.key, componentShape(other.bytes)!.key, "another world is another shape");

  const cache = mkdtempSync(join(tmpdir(), "pelato-transpile-"));
  const saved = process.env.PELATO_CACHE;
  process.env.PELATO_CACHE = cache;
  try {
    await prepareComponent(v1.bytes, v1.digest);
    const runs = transpileStats.runs;
    await prepareComponent(v2.bytes, v2.digest);
    assert.equal(transpileStats.runs, runs, "version 2 was not transpiled");
    const reused = files(join(cache, "jco", v2.digest.slice(7)));

    const { files: own, imports } = await transpile(v2.bytes, { name: "component", instantiation: "async", noTypescript: true, base64Cutoff: 0 } as Parameters<typeof transpile>[1]);
    const expected = new Map(Object.entries(own as Record<string, Uint8Array>).map(([n, b]) => [n, Buffer.from(b).toString("base64")]));
    expected.set("imports.json", Buffer.from(JSON.stringify(imports)).toString("base64"));
    assert.deepEqual([...reused.keys()].sort(), [...expected.keys()].sort());
    for (const [name, content] of expected) assert.ok(reused.get(name) === content, `${name} is jco's`);

    await prepareComponent(other.bytes, other.digest);
    assert.equal(transpileStats.runs, runs + 1, "the other shape was");
    assert.ok(files(join(cache, "jco", other.digest.slice(7))).has("component.js"));
  } finally {
    if (saved === undefined) delete process.env.PELATO_CACHE;
    else process.env.PELATO_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
  }
});
