// The toolbox process builds; for the local host it also transpiles each new component, so a
// hot swap starts the component without running jco (bench/watch: swap 576 → ~100 ms).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Toolbox } from "../../src/daemon/toolbox/toolbox.js";
import { cacheDir } from "../../src/paths.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { tempProject } from "../helpers/project.js";

const WORKFLOW = "project_name: Toolbox\ntasks:\n  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: a, dest_topic: b, component_name: echo, version: 1.0.0}\n";

async function buildFresh(toolbox: Toolbox, forLocalHost: boolean): Promise<string> {
  const p = tempProject({ "workflow.yaml": WORKFLOW, "tasks/echo.go": `package main\n\nfunc exec_task(arg string) string { return arg + "|${randomBytes(6).toString("hex")}" }\n` });
  try {
    const rendered = await renderProject(await loadProject(p.dir), RENDER_OPTIONS);
    const [result] = await toolbox.build(rendered, writeGen(rendered), { parallel: 1, forLocalHost }, new AbortController().signal);
    assert.ok(result?.ok, JSON.stringify(result));
    return join(cacheDir(), "jco", result.digest.replace(/^sha256:/, ""), "imports.json");
  } finally {
    p.cleanup();
  }
}

test("a build for the local host leaves the component transpiled; one for a lattice does not", async () => {
  const toolbox = new Toolbox(1000);
  try {
    assert.ok(existsSync(await buildFresh(toolbox, true)), "transpiled by the build");
    assert.ok(!existsSync(await buildFresh(toolbox, false)), "no transpile for a lattice");
  } finally {
    await toolbox.close();
  }
});
