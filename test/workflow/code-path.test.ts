import { test } from "node:test";
import assert from "node:assert/strict";
import { symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/errors.js";
import { loadProject } from "../../src/workflow/index.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

test("a task file that is a symlink out of tasks/ is refused; one inside tasks/ is fine", async () => {
  const p = tempProject({ "outside.go": "package main\n\nfunc exec_task(arg string) string { return arg }\n" }, EXAMPLE);
  try {
    symlinkSync(join(p.dir, "outside.go"), join(p.dir, "tasks", "escape.go"));
    symlinkSync(join(p.dir, "tasks", "filter.go"), join(p.dir, "tasks", "alias.go"));
    const wf = join(p.dir, "workflow.yaml");
    const { readFileSync } = await import("node:fs");
    const original = readFileSync(wf, "utf8");
    writeFileSync(wf, original.replace("code: filter.go", "code: escape.go"));
    await assert.rejects(loadProject(p.dir), (e: unknown) => e instanceof InputError && /tasks\/escape\.go is a link to a file outside tasks\//.test(e.message));
    writeFileSync(wf, original.replace("code: filter.go", "code: alias.go"));
    const project = await loadProject(p.dir);
    assert.equal(project.tasks[1]!.codePath, "tasks/alias.go");
  } finally {
    p.cleanup();
  }
});

test("the example project loads with its tasks, signatures and sources", async () => {
  const project = await loadProject(EXAMPLE);
  assert.equal(project.name, "Temperature data analysis");
  assert.deepEqual(project.tasks.map((t) => [t.component_name, t.type, t.signature, t.codePath]), [
    ["celsius_to_kelvin_conversion", "http_producer_nats", "unary", "tasks/convert.go"],
    ["temp_filter", "processor_nats", "unary", "tasks/filter.go"],
  ]);
  assert.match(project.tasks[0]!.source, /273\.15/);
});

test("a kv task may return the value alone or a key and a value", async () => {
  const p = tempProject({
    "workflow.yaml": "project_name: KV\ntasks:\n  - {name: a, type: nats_to_nats-kv, code: a.go, targets: [cloud], source_topic: in, bucket: b, component_name: a, version: 0.1.0}\n  - {name: b, type: nats_to_nats-kv, code: b.go, targets: [cloud], source_topic: in, bucket: b, component_name: b, version: 0.1.0}\n",
    "tasks/a.go": "package main\n\nfunc exec_task(key, data string) string { return data }\n",
    "tasks/b.go": "package main\n\nfunc exec_task(key string, data string) (string, string) { return key, data }\n",
  });
  try {
    const project = await loadProject(p.dir);
    assert.deepEqual(project.tasks.map((t) => t.signature), ["kv-value", "kv-pair"]);
  } finally {
    p.cleanup();
  }
});
