import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { renderProject, writeGen } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";

/** path → sha256 of every file under dir. */
function treeHash(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex"));
    }
  };
  walk(dir);
  return out;
}

async function gen(dir: string) {
  return writeGen(await renderProject(await loadProject(dir), RENDER_OPTIONS));
}

test("gen is deterministic: the same input gives a byte-identical gen/", async () => {
  const a = tempProject({}, EXAMPLE);
  const b = tempProject({}, EXAMPLE);
  try {
    const first = treeHash(await gen(a.dir));
    const again = treeHash(await gen(a.dir));
    const elsewhere = treeHash(await gen(b.dir));
    assert.ok(first.size > 5);
    assert.deepEqual(again, first);
    assert.deepEqual(elsewhere, first);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

test("a failing gen leaves the previous gen/ exactly as it was", async () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const genDir = await gen(p.dir);
    const before = treeHash(genDir);
    const workflow = readFileSync(join(p.dir, "workflow.yaml"), "utf8");

    writeFileSync(join(p.dir, "workflow.yaml"), workflow.replace("version: 1.0.2", "version: one"));
    await assert.rejects(gen(p.dir));
    assert.deepEqual(treeHash(genDir), before);

    // A failure while writing (a file where a folder must go) leaves no staging folder behind.
    writeFileSync(join(p.dir, "workflow.yaml"), workflow);
    const rendered = await renderProject(await loadProject(p.dir), RENDER_OPTIONS);
    rendered.files.set("temp_filter/go.mod/oops", "x");
    assert.throws(() => writeGen(rendered));
    assert.deepEqual(treeHash(genDir), before);
    assert.deepEqual(readdirSync(p.dir).filter((n) => n.startsWith(".gen")), []);
  } finally {
    p.cleanup();
  }
});

test("gen keeps each task's build/ output and drops folders of removed tasks", async () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const genDir = await gen(p.dir);
    mkdirSync(join(genDir, "temp_filter", "build"));
    writeFileSync(join(genDir, "temp_filter", "build", "temp_filter.wasm"), "wasm");
    mkdirSync(join(genDir, "stale_task"));
    await gen(p.dir);
    assert.equal(readFileSync(join(genDir, "temp_filter", "build", "temp_filter.wasm"), "utf8"), "wasm");
    assert.throws(() => statSync(join(genDir, "stale_task")));
  } finally {
    p.cleanup();
  }
});

test("an interrupted swap (gen/ moved aside, crash) is repaired by the next gen", async () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const genDir = await gen(p.dir);
    const before = treeHash(genDir);
    const { renameSync } = await import("node:fs");
    renameSync(genDir, join(p.dir, ".gen.old-999999999-dead"));
    await gen(p.dir);
    assert.deepEqual(treeHash(genDir), before);
    assert.deepEqual(readdirSync(p.dir).filter((n) => n.startsWith(".gen")), []);
  } finally {
    p.cleanup();
  }
});
