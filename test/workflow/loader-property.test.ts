// Whatever workflow.yaml holds, loading it ends in the project or in an InputError (exit 2, with
// file and place), never in an internal error: generated YAML-ish text, generated workflows with
// hostile values, and alias bombs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { InputError } from "../../src/errors.js";
import { loadProject } from "../../src/workflow/index.js";
import { tempProject } from "../helpers/project.js";

const p = tempProject({ "tasks/t.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n" });
mkdirSync(join(p.dir, "tasks"), { recursive: true });

async function loadsOrInputError(text: string): Promise<boolean> {
  writeFileSync(join(p.dir, "workflow.yaml"), text);
  try {
    await loadProject(p.dir);
    return true;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    for (const d of err.diagnostics) assert.ok(d.file && d.message, JSON.stringify(d));
    return true;
  }
}

const yamlish = fc.string({
  unit: fc.constantFrom(":", "-", " ", "\n", "&a", "*a", "!!str", "|", ">", "{", "}", "[", "]", ",", "#", '"', "'", "\t", "%YAML", "? ", "<<", "tasks", "project_name", "name", "code: t.go", "type", "processor_nats", "1e999", "~", "\u0000", "\u202e", "\u001b[2J", "\ufeff", "😀", "\\"),
  maxLength: 80,
});

const hostile = fc.oneof(fc.string(), fc.constantFrom("\u0000", "a\u202eb", "\u001b]0;x\u0007", "a.b", "*", ">", "", " ", "1.0.0+b", "x".repeat(300)), fc.integer(), fc.boolean(), fc.constant(null));
const workflow = fc
  .record({
    project_name: hostile,
    tasks: fc.array(
      fc.record({ name: hostile, type: fc.oneof(fc.constantFrom("processor_nats", "producer_nats", "http_producer_nats", "nats_to_nats-kv"), hostile), code: fc.oneof(fc.constant("t.go"), hostile), targets: fc.oneof(fc.array(hostile, { maxLength: 3 }), hostile), source_topic: hostile, dest_topic: hostile, component_name: hostile, version: hostile }, { requiredKeys: [] }),
      { maxLength: 3 },
    ),
  }, { requiredKeys: [] })
  .map((w) => stringify(w));

const bomb = fc.integer({ min: 2, max: 12 }).map((depth) => {
  const lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
  for (let i = 1; i < depth; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]`);
  return `project_name: b\n${lines.join("\n")}\ntasks: *a${depth - 1}\n`;
});

test("no generated workflow.yaml ends in an internal error", { timeout: 600_000 }, async () => {
  try {
    for (const arbitrary of [yamlish, workflow, bomb]) await fc.assert(fc.asyncProperty(arbitrary, loadsOrInputError), { numRuns: 150 });
  } finally {
    p.cleanup();
  }
});

test("an alias bomb and a raw NUL byte are input errors at their line and column", async () => {
  const q = tempProject({});
  try {
    const laughs = ['project_name: lol', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...[..."bcdefgh"].map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`), "tasks: *h", ""].join("\n");
    writeFileSync(join(q.dir, "workflow.yaml"), laughs);
    await assert.rejects(loadProject(q.dir), (e: unknown) => e instanceof InputError && e.exitCode === 2 && /^workflow\.yaml:3:8: the aliases \(\*name\) expand too far/.test(e.message));
    writeFileSync(join(q.dir, "workflow.yaml"), "project_name: ok\ntasks:\n  - name: x\u0000y\n");
    await assert.rejects(loadProject(q.dir), (e: unknown) => e instanceof InputError && /^workflow\.yaml:3:12: a control character \(U\+0000\)/.test(e.message));
  } finally {
    q.cleanup();
  }
});
