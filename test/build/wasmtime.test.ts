// The same components under the real wasmtime engine, which wasmCloud hosts embed. jco alone is
// not enough: wasmtime enforces rules jco does not (no host calls inside cabi_realloc).
import { before, after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { buildDir } from "../helpers/build.js";
import { EXAMPLE, REPO_ROOT, tempProject } from "../helpers/project.js";

interface Outcome {
  results: { error: string | null; published: [string, string, string | null][] }[];
  logs: string[][];
}

let python: string;
let wasm: Map<string, string>;
const project = tempProject({
  "tasks/panicky.go": 'package main\n\nfunc exec_task(arg string) string {\n\tif arg == "boom" {\n\t\tpanic("boom")\n\t}\n\treturn arg\n}\n',
}, EXAMPLE);

before(async () => {
  python = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "wasmtime-py.sh")], { encoding: "utf8" }).trim();
  const wf = join(project.dir, "workflow.yaml");
  const { appendFileSync } = await import("node:fs");
  appendFileSync(wf, "  - {name: Panicky, type: processor_nats, code: panicky.go, targets: [cloud], source_topic: p.in, dest_topic: p.out, component_name: panicky, version: 0.0.1}\n");
  wasm = new Map([...(await buildDir(project.dir))].map(([c, r]) => [c, r.wasm]));
});
after(() => project.cleanup());

function run(component: string, config: Record<string, string>, messages: { subject: string; body: string; reply_to?: string }[]): Outcome {
  const out = execFileSync(python, [join(REPO_ROOT, "test", "wasmtime", "run_component.py")], {
    input: JSON.stringify({ wasm: wasm.get(component), config, messages }),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out) as Outcome;
}

test("under wasmtime: 21.5 °C → 294.65 K published to dest_topic; a 40 KB body round-trips", () => {
  const name = "n".repeat(40_000);
  const { results } = run("celsius_to_kelvin_conversion", { dest_topic: "kelvin" }, [
    { subject: "celsius", body: '{"Data":21.5}' },
    { subject: "celsius", body: JSON.stringify({ Data: 0, Name: name }) },
    { subject: "celsius", body: JSON.stringify({ Data: 1, Name: "m".repeat(1_000_000) }) },
  ]);
  assert.deepEqual(results[0], { error: null, published: [["kelvin", '{"Data":294.65,"Name":""}', null]] });
  assert.equal(results[1]!.error, null);
  assert.deepEqual(JSON.parse(results[1]!.published[0]![1]), { Data: 273.15, Name: name });
  assert.equal(JSON.parse(results[2]!.published[0]![1]).Name.length, 1_000_000);
});

test("under wasmtime: the filter drops out-of-range readings", () => {
  const { results } = run("temp_filter", { dest_topic: "filtered" }, [
    { subject: "k", body: '{"Data":500}' },
    { subject: "k", body: '{"Data":-1}' },
    { subject: "k", body: '{"Data":300}' },
  ]);
  assert.deepEqual(results.map((r) => r.published.length), [0, 0, 1]);
});

test("under wasmtime: a panic is an error result, the next message is fine", () => {
  const { results, logs } = run("panicky", { dest_topic: "out" }, [
    { subject: "p.in", body: "boom" },
    { subject: "p.in", body: "after" },
  ]);
  assert.match(results[0]!.error ?? "", /^panic: boom/);
  assert.deepEqual(results[1], { error: null, published: [["out", "after", null]] });
  assert.ok(logs.some((l) => /panic/.test(l[2] ?? "")));
});
