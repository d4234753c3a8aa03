import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { pelatod } from "../helpers/cli.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

test("--help works for the program and every command", () => {
  const top = pelatod(["--help"]);
  assert.equal(top.code, 0);
  for (const cmd of ["init", "validate", "gen", "graph"]) {
    assert.match(top.stdout, new RegExp(`\\b${cmd}\\b`));
    const r = pelatod([cmd, "--help"]);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, new RegExp(`Usage: pelatod ${cmd}`));
  }
});

test("usage errors exit 2: unknown command, unknown option, bad choice", () => {
  assert.equal(pelatod(["deploy-everything"]).code, 2);
  assert.equal(pelatod(["gen", "--frobnicate"]).code, 2);
  const bad = pelatod(["graph", EXAMPLE, "--format", "png", "--json"]);
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.stdout).error.type, "UsageError");
});

test("init scaffolds a project that validates, generates and graphs; it never overwrites", () => {
  const p = tempProject();
  try {
    const dir = join(p.dir, "fresh");
    const init = pelatod(["init", dir, "--json"]);
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(JSON.parse(init.stdout).files, ["workflow.yaml", "tasks/convert.go", "tasks/filter.go", ".gitignore", "go.mod", "go.sum"]);
    assert.equal(pelatod(["validate", dir]).code, 0);
    const gen = pelatod(["gen", dir, "--json"]);
    assert.equal(gen.code, 0, gen.stderr);
    assert.deepEqual(JSON.parse(gen.stdout).tasks.map((t: { component: string }) => t.component), ["celsius_to_kelvin_conversion", "temp_filter"]);
    assert.ok(existsSync(join(dir, "gen", "temp_filter", "wadm.yaml")));
    assert.ok(!existsSync(join(dir, "gen", "project.wadm.yaml")), "no multi-document file wadm would refuse");
    const again = pelatod(["init", dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already exists/);
  } finally {
    p.cleanup();
  }
});

test("a broken workflow: every problem on stderr with file:line:col, exit 2, JSON lists diagnostics", () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const wf = readFileSync(join(p.dir, "workflow.yaml"), "utf8");
    writeFileSync(join(p.dir, "workflow.yaml"), wf.replace("type: processor_nats", "type: procesor_nats").replace("version: 1.0.0", "version: '1.0'"));
    const human = pelatod(["validate", p.dir]);
    assert.equal(human.code, 2);
    assert.match(human.stderr, /^error: workflow\.yaml:\d+:\d+: tasks\[1\]\.type: unknown template "procesor_nats"; did you mean "processor_nats"\?/m);
    assert.match(human.stderr, /^error: workflow\.yaml:\d+:\d+: tasks\[0\]\.version: must be a semantic version/m);
    assert.match(human.stderr, /2 problems found/);
    const json = pelatod(["gen", p.dir, "--json"]);
    assert.equal(json.code, 2);
    const body = JSON.parse(json.stdout);
    assert.equal(body.ok, false);
    assert.equal(body.error.type, "InputError");
    assert.equal(body.error.diagnostics.length, 2);
    assert.ok(!existsSync(join(p.dir, "gen")), "nothing generated");
  } finally {
    p.cleanup();
  }
});

test("a missing project is a clear input error", () => {
  const r = pelatod(["validate", "/nonexistent/project"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /workflow\.yaml: cannot read the workflow file/);
});

test("graph prints Mermaid by default and DOT on request", () => {
  const mermaid = pelatod(["graph", EXAMPLE]);
  assert.equal(mermaid.code, 0);
  assert.match(mermaid.stdout, /^flowchart LR\n/);
  assert.match(mermaid.stdout, /\(\["living_room_kelvin_data"\]\)/);
  const dot = pelatod(["graph", EXAMPLE, "--format", "dot"]);
  assert.match(dot.stdout, /^digraph pipeline \{/);
  assert.match(dot.stdout, /label="Data filter\\nprocessor_nats @ cloud"/);
  const json = JSON.parse(pelatod(["graph", EXAMPLE, "--json"]).stdout);
  assert.equal(json.edges.length, 5);
});

test("NO_COLOR is honoured even when colour is forced", () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const coloured = pelatod(["gen", p.dir], { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    assert.ok(coloured.stdout.includes("\u001b["), "coloured output when forced");
    const plain = pelatod(["gen", p.dir], { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    assert.ok(!(plain.stdout + plain.stderr).includes("\u001b["), "no escape codes");
  } finally {
    p.cleanup();
  }
});

test("ENABLE_METRICS writes metrics.yaml with the gen time; without it nothing is written", () => {
  const p = tempProject({}, EXAMPLE);
  try {
    pelatod(["gen", p.dir]);
    assert.ok(!existsSync(join(p.dir, "metrics.yaml")));
    pelatod(["gen", p.dir], { env: { ENABLE_METRICS: "True" } });
    pelatod(["gen", p.dir], { env: { ENABLE_METRICS: "True" } });
    const log = parse(readFileSync(join(p.dir, "metrics.yaml"), "utf8"));
    assert.equal(log.runs.length, 2);
    assert.equal(log.runs[0].command, "gen");
    assert.equal(log.runs[0].stages.code_gen.tasks, 2);
    assert.ok(log.runs[0].stages.code_gen.gen_time > 0);
  } finally {
    p.cleanup();
  }
});

test("secrets from the environment never reach output or gen/", () => {
  const p = tempProject({}, EXAMPLE);
  try {
    const r = pelatod(["gen", p.dir, "--json", "--registry", "registry.example:5000"], { env: { REGISTRY_USER: "bob", REGISTRY_PASSWORD: "s3cr3t-pw", ENABLE_METRICS: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes("s3cr3t-pw"));
    const all = pelatod(["validate", p.dir, "--json"], { env: { REGISTRY_PASSWORD: "s3cr3t-pw", NATS_PORT: "x" } });
    assert.equal(all.code, 2);
    assert.ok(!all.stdout.includes("s3cr3t-pw"));
    const generated = readFileSync(join(p.dir, "gen", "temp_filter", "wadm.yaml"), "utf8") + readFileSync(join(p.dir, "gen", "celsius_to_kelvin_conversion", "wadm.yaml"), "utf8") + readFileSync(join(p.dir, "metrics.yaml"), "utf8");
    assert.ok(!generated.includes("s3cr3t-pw"));
    assert.match(generated, /registry\.example:5000\/temp_filter:1\.0\.2/);
  } finally {
    p.cleanup();
  }
});
