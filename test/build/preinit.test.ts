// Mainline Go components are pre-initialised (src/build/preinit.ts): Go's runtime is started once
// at build time, not at every instantiation. These tests read the built core modules and run
// them under the real wasmtime engine; bench/instantiate and bench/lattice-throughput measure it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProject, ComponentCache, GoToolchain, type TaskBuildResult } from "../../src/build/index.js";
import { DENSE_IMAGE_BYTES, mappedAtInstantiation, seedReason } from "../../src/build/preinit.js";
import { coreModules, memoryImage } from "../../src/memory-image.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { exports, SECTION, sections } from "../../src/wasm-binary.js";
import { pickToolchain } from "../../src/build/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

const TASKS = {
  // Answers with the length of what it got: an 8 MiB answer would exceed wasmtime-py's own limit on host calls.
  size: 'package main\n\nimport "strconv"\n\nfunc exec_task(arg string) string { return strconv.Itoa(len(arg)) }\n',
  double: 'package main\n\nimport "strconv"\n\nfunc exec_task(arg string) string {\n\tn, _ := strconv.Atoi(arg)\n\treturn strconv.Itoa(2 * n)\n}\n',
  dice: 'package main\n\nimport (\n\t"fmt"\n\t"math/rand/v2"\n)\n\nfunc exec_task(arg string) string { return fmt.Sprint(rand.Int64()) }\n',
  // init calls an import of the component (not WASI): wizer cannot run it at build time.
  greets: 'package main\n\nimport "pelato.local/task/glue/logging"\n\nfunc init() { logging.Log(logging.Info, "greets", "starting") }\n\nfunc exec_task(arg string) string { return "hi " + arg }\n',
  // init writes past a 20 MiB array: the initialised memory is too sparse to map.
  sparse: 'package main\n\nvar big [20 << 20]byte\n\nfunc init() { big[len(big)-1] = 1 }\n\nfunc exec_task(arg string) string { return arg + string(rune(\'0\'+big[len(big)-1])) }\n',
};
const workflow = `project_name: Preinit\ntasks:\n${Object.keys(TASKS)
  .map((n) => `  - {name: ${n}, type: processor_nats, code: ${n}.go, targets: [edge], source_topic: in.${n}, dest_topic: out.${n}, component_name: ${n}, version: 1.0.0}`)
  .join("\n")}\n`;

const project = tempProject({ "workflow.yaml": workflow, ...Object.fromEntries(Object.entries(TASKS).map(([n, code]) => [`tasks/${n}.go`, code])) });
// A cache of its own: the reasons are printed by the builds, which a shared cache would skip.
const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-preinit-cache-"));
const built = new Map<string, TaskBuildResult & { ok: true }>();
const output = new Map<string, string[]>();
let python: string;

before(async () => {
  python = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "wasmtime-py.sh")], { encoding: "utf8" }).trim();
  const rendered = await renderProject(await loadProject(project.dir), RENDER_OPTIONS);
  const results = await buildProject(rendered, writeGen(rendered), {
    toolchain: new GoToolchain(),
    cache: new ComponentCache(cacheRoot),
    parallel: 2,
    onEvent: (e) => {
      if (e.type === "output") output.set(e.component, [...(output.get(e.component) ?? []), e.line]);
    },
  });
  for (const r of results) {
    assert.ok(r.ok, `${r.component} failed to build`);
    built.set(r.component, r);
  }
});
after(() => {
  project.cleanup();
  rmSync(cacheRoot, { recursive: true, force: true });
});

const core = (component: string) => coreModules(readFileSync(built.get(component)!.wasm))[0]!;
const exported = (component: string) => exports(sections(core(component)).find((s) => s.id === SECTION.EXPORT)!.payload).map((e) => e.name);
const notPreinitialised = (component: string) => (output.get(component) ?? []).find((l) => l.startsWith("not pre-initialised"));

function handle(component: string, body: string): { result: string; logs: string[] } {
  const out = execFileSync(python, [join(REPO_ROOT, "test", "wasmtime", "run_component.py")], {
    input: JSON.stringify({ wasm: built.get(component)!.wasm, config: { dest_topic: "out" }, messages: [{ subject: "in", body }] }),
    encoding: "utf8",
    maxBuffer: 1 << 26,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const { results, logs } = JSON.parse(out) as { results: { error: string | null; published: [string, string][] }[]; logs: string[][] };
  assert.equal(results[0]!.error, null);
  return { result: results[0]!.published[0]![1], logs: logs.map((l) => l[2]!) };
}

test("a Go task starts pre-initialised: no _initialize left to run, and its memory mapped at each start", () => {
  assert.equal(notPreinitialised("double"), undefined);
  assert.ok(!exported("double").includes("_initialize"), "wizer ran _initialize at build time and removed it");
  const image = memoryImage(core("double"));
  assert.ok(image.dataEnd - image.dataStart < DENSE_IMAGE_BYTES, `initialised memory spans ${image.dataEnd - image.dataStart} bytes`);
  assert.ok(mappedAtInstantiation(image));
  assert.equal(handle("double", "21").result, "42");
});

test("the canonical-ABI arena, which pre-initialisation keeps small, takes an 8 MiB message; a larger one fails that call cleanly", () => {
  assert.equal(notPreinitialised("size"), undefined);
  const body = "x".repeat(8 << 20);
  assert.equal(handle("size", body).result, String(body.length));
  assert.throws(() => handle("size", body + "y".repeat(65 << 10)), (e: unknown) => /realloc return: beyond end of memory/.test(String((e as { stderr?: string }).stderr)));
});

test("a task that links math/rand is not pre-initialised: every instance draws other numbers", () => {
  assert.match(notPreinitialised("dice") ?? "", /links math\/rand\/v2/);
  assert.ok(exported("dice").includes("_initialize"));
  const draws = new Set([1, 2, 3].map(() => handle("dice", "").result));
  assert.equal(draws.size, 3, `three instances drew ${[...draws].join(", ")}`);
});

test("an init that calls the host cannot run at build time: the task runs it at every start instead", () => {
  assert.match(notPreinitialised("greets") ?? "", /wizer could not run _initialize/);
  assert.ok(exported("greets").includes("_initialize"));
  const { result, logs } = handle("greets", "bob");
  assert.equal(result, "hi bob");
  assert.ok(logs.includes("starting"), "init ran in the instance");
});

test("an initialised memory too sparse for wasmtime to map keeps the plain module, which starts faster", () => {
  assert.match(notPreinitialised("sparse") ?? "", /too sparse/);
  assert.ok(exported("sparse").includes("_initialize"));
  assert.equal(handle("sparse", "x").result, "x1");
});

test("for the embedded host, which keeps its instances, Go builds skip pre-initialisation (and cache apart)", async () => {
  const local = new GoToolchain({ preinitialize: false });
  assert.notEqual(await local.fingerprint(), await new GoToolchain().fingerprint());
  assert.equal(((await pickToolchain("go", { preinitialize: false })) as GoToolchain).preinitialize, false);
  assert.equal(((await pickToolchain("go")) as GoToolchain).preinitialize, true);
  const rendered = await renderProject(await loadProject(project.dir), RENDER_OPTIONS);
  const [result] = await buildProject({ ...rendered, tasks: rendered.tasks.filter((t) => t.dir === "double") }, writeGen(rendered), { toolchain: local, cache: new ComponentCache(cacheRoot), parallel: 1 });
  assert.ok(result?.ok);
  assert.ok(exports(sections(coreModules(readFileSync(result.wasm))[0]!).find((s) => s.id === SECTION.EXPORT)!.payload).some((e) => e.name === "_initialize"));
});

test("dense: under 16 MiB, or data over half its span; seeds: math/rand and math/rand/v2", () => {
  assert.ok(mappedAtInstantiation({ initialBytes: 0, dataBytes: 0, dataStart: 0, dataEnd: 0 }));
  assert.ok(mappedAtInstantiation({ initialBytes: 0, dataBytes: 1 << 20, dataStart: 1024, dataEnd: DENSE_IMAGE_BYTES }));
  assert.ok(!mappedAtInstantiation({ initialBytes: 0, dataBytes: 1 << 20, dataStart: 0, dataEnd: DENSE_IMAGE_BYTES }));
  assert.ok(mappedAtInstantiation({ initialBytes: 0, dataBytes: 12 << 20, dataStart: 0, dataEnd: 20 << 20 }));
  assert.equal(seedReason(["fmt", "strconv"]), undefined);
  assert.match(seedReason(["math/rand"]) ?? "", /^it links math\/rand,/);
  assert.match(seedReason(["math/rand", "math/rand/v2"]) ?? "", /math\/rand and math\/rand\/v2/);
});
