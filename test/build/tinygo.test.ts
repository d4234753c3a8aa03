// The tinygo toolchain end to end: the pinned image is built (or reused) by its setup script,
// the example projects are built inside the container, and the components pass the same world
// and behaviour checks as the go toolchain's (world.test.ts, behaviour.test.ts, wasmtime.test.ts).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { componentWit } from "@bytecodealliance/jco";
import { buildProject, TinygoToolchain, type TaskBuildResult } from "../../src/build/index.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { coreModules, memoryImage } from "../../src/memory-image.js";
import { exports, SECTION, sections } from "../../src/wasm-binary.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { EXAMPLE, REPO_ROOT, tempProject } from "../helpers/project.js";
import { assertHttpProducer, message, recordingInstance } from "../helpers/recording-host.js";

const HANDLER = "wasmcloud:messaging/handler@0.2.0";
const GOROUTINE = 'package main\n\nfunc exec_task(arg string) string {\n\tc := make(chan string, 1)\n\tgo func() { c <- arg + "!" }()\n\treturn <-c\n}\n';
const PANICKY = 'package main\n\nfunc exec_task(arg string) string {\n\tif arg == "boom" {\n\t\tvar m map[string]int\n\t\tm["x"] = 1\n\t}\n\treturn "ok:" + arg\n}\n';

let imageId: string;
let python: string;
const toolchain = new TinygoToolchain();
const built = new Map<string, TaskBuildResult & { ok: true }>();
const projects = [
  tempProject({}, EXAMPLE),
  tempProject({}, join(REPO_ROOT, "examples", "iot-pipeline")),
  tempProject({
    "workflow.yaml": "project_name: P\ntasks:\n  - {name: p, type: processor_nats, code: p.go, targets: [edge], source_topic: in, dest_topic: out, component_name: panicky, version: 1.0.0}\n",
    "tasks/p.go": PANICKY,
  }),
  tempProject({
    "workflow.yaml": "project_name: G\ntasks:\n  - {name: g, type: processor_nats, code: g.go, targets: [edge], source_topic: in, dest_topic: out, component_name: goroutine, version: 1.0.0}\n",
    "tasks/g.go": GOROUTINE,
  }),
];

async function buildWithTinygo(dir: string): Promise<TaskBuildResult[]> {
  const rendered = await renderProject(await loadProject(dir), RENDER_OPTIONS);
  return buildProject(rendered, writeGen(rendered), { toolchain, parallel: 2 });
}

before(async () => {
  // What `npm test` runs first (toolchain/setup/all.sh): builds the image, or finds it.
  imageId = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "tinygo.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  python = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "wasmtime-py.sh")], { encoding: "utf8" }).trim();
  for (const p of projects) {
    for (const r of await buildWithTinygo(p.dir)) {
      if (!r.ok) throw new Error(`${r.component}: ${r.error.message}`);
      built.set(r.component, r);
    }
  }
});
after(() => projects.forEach((p) => p.cleanup()));

const wasm = (component: string) => built.get(component)!.wasm;

test("the setup script yields the pinned image, and the components are built by it", async () => {
  assert.match(imageId, /^sha256:[0-9a-f]{64}$/);
  assert.ok((await toolchain.fingerprint()).includes(`image ${imageId}`), "the cache key carries the image digest");
  for (const r of built.values()) assert.equal(r.toolchain, "tinygo");
});

// wasmCloud instantiates a component for every message. TinyGo's runtime copies in its data and
// zeroes the rest of its initial memory (its BSS) at every start: a 16 MiB canonical-ABI arena
// there cost ~60 ms a message. Read from the binary: no timing, on any machine.
test("what a TinyGo component sets up at every start is small: its whole initial memory under 1 MiB", () => {
  for (const r of built.values()) {
    const image = memoryImage(coreModules(readFileSync(r.wasm))[0]!);
    assert.ok(image.initialBytes > 0 && image.initialBytes <= 1 << 20, `${r.component}: initial memory ${image.initialBytes} bytes (data ${image.dataBytes})`);
  }
});

// Built without a goroutine scheduler (asyncify costs every instance wasmCloud starts), except a
// task that starts goroutines: it is built again with one.
test("tasks build without TinyGo's scheduler; one that starts a goroutine is built with it and works", async () => {
  assert.equal(built.get("goroutine")!.ok, true);
  const g = await recordingInstance(wasm("goroutine"), { dest_topic: "out" });
  g.component.exports[HANDLER]!.handleMessage!(message("in", "go") as never);
  assert.deepEqual(g.rec.published, [{ subject: "out", body: "go!" }]);
  // asyncify's start/stop exports are in the goroutine task's core module only.
  const asyncified = (component: string) => {
    const exported = sections(coreModules(readFileSync(wasm(component)))[0]!).find((s) => s.id === SECTION.EXPORT)!;
    return exports(exported.payload).some((e) => e.name.startsWith("asyncify_"));
  };
  assert.deepEqual([asyncified("goroutine"), asyncified("panicky"), asyncified("celsius_to_kelvin_conversion")], [true, false, false]);
});

test("TinyGo components are a fraction of mainline Go's (≈ 3.4 MB)", () => {
  for (const r of built.values()) assert.ok(r.size < 800_000, `${r.component}: ${r.size} bytes`);
});

async function worldOf(component: string): Promise<{ imports: string[]; exports: string[] }> {
  const wit = await componentWit(readFileSync(wasm(component)));
  const grab = (kind: string) => [...wit.matchAll(new RegExp(`^\\s*${kind} ([^;]+);`, "gm"))].map((m) => m[1]!);
  return { imports: grab("import"), exports: grab("export") };
}

test("messaging, HTTP and kv components have the worlds wasmCloud expects", async () => {
  const filter = await worldOf("temp_filter");
  assert.ok(filter.exports.includes(HANDLER), filter.exports.join());
  for (const i of ["wasmcloud:messaging/consumer@0.2.0", "wasi:config/runtime@0.2.0-draft", "wasi:logging/logging@0.1.0-draft"]) assert.ok(filter.imports.includes(i), i);
  assert.ok(!filter.exports.includes("wasi:http/incoming-handler@0.2.0"), "a processor exports no HTTP handler");
  assert.deepEqual(filter.exports, [HANDLER], "nothing but the world's exports (no wasi:cli/run, no cabi_realloc_adapter)");

  const producer = await worldOf("celsius_to_kelvin_conversion");
  assert.ok(producer.exports.includes("wasi:http/incoming-handler@0.2.0"));
  assert.ok(producer.exports.includes(HANDLER));

  const store = await worldOf("reading_store");
  assert.ok(store.imports.includes("wasmcloud:messaging/consumer@0.2.0"), store.imports.join());
  assert.ok(!store.imports.some((x) => x.startsWith("wasi:keyvalue")), "a kv task puts through messaging: no key-value provider needed");
});

test("convert.go turns 21.5 °C into 294.65 K and publishes it to the configured destination", async () => {
  const { component, rec } = await recordingInstance(wasm("celsius_to_kelvin_conversion"), { dest_topic: "living_room_kelvin_data" });
  component.exports[HANDLER]!.handleMessage!(message("living_room_celsius_data", '{"Data":21.5,"Name":"sensor-1"}') as never);
  assert.deepEqual(rec.published, [{ subject: "living_room_kelvin_data", body: '{"Data":294.65,"Name":"sensor-1"}' }]);
});

test("the filter publishes nothing for out-of-range readings and passes the rest through unchanged", async () => {
  const { component, rec } = await recordingInstance(wasm("temp_filter"), { dest_topic: "filtered" });
  for (const body of ['{"Data":-3}', '{"Data":401}', "not json"]) component.exports[HANDLER]!.handleMessage!(message("k", body) as never);
  assert.deepEqual(rec.published, []);
  component.exports[HANDLER]!.handleMessage!(message("k", '{"Data":294.65,"Name":"a"}') as never);
  assert.deepEqual(rec.published, [{ subject: "filtered", body: '{"Data":294.65,"Name":"a"}' }]);
  rec.config = {};
  assert.throws(() => component.exports[HANDLER]!.handleMessage!(message("x", '{"Data":300}') as never), /dest_topic/);
});

test("a reply subject gets the result too; the kv task stores key and value in its bucket", async () => {
  const p = await recordingInstance(wasm("panicky"), { dest_topic: "out" });
  p.component.exports[HANDLER]!.handleMessage!(message("in", "q", "_INBOX.1") as never);
  assert.deepEqual(p.rec.published.map((x) => x.subject), ["out", "_INBOX.1"]);
  const kv = await recordingInstance(wasm("reading_store"), { bucket: "latest_readings" });
  kv.component.exports[HANDLER]!.handleMessage!(message("Sensors.Doubled", '{"Data":42}') as never);
  assert.deepEqual([...kv.rec.kv.get("latest_readings")!], [["sensor.sensors.doubled", '{"Data":42}']]);
});

test("the HTTP producer answers a POST of 21.5 with 294.65 and publishes it; GET is refused", () => assertHttpProducer(wasm("celsius_to_kelvin_conversion")));

// TinyGo cannot recover() on WebAssembly (its compiler/defer.go: no exception handling there), so
// a panic is contained one level up: TinyGo prints it to stderr and traps, the host fails that
// one message, and a new instance (wasmCloud instantiates per invocation) serves the next.
test("a panic in exec_task fails that message, printed on the component's stdout; a new instance serves the next", async () => {
  // In a child process, whose stdout (where the component's wasi:cli/stdout goes) can be read.
  const script = `
    import { readFileSync } from "node:fs";
    import { loadComponent } from ${JSON.stringify(join(REPO_ROOT, "dist", "src", "host", "load-component.js"))};
    const bytes = readFileSync(process.argv[1]);
    const published = [];
    const host = {
      "wasmcloud:messaging/consumer": { publish: (m) => void published.push(Buffer.from(m.body).toString()), request: () => { throw "no"; } },
      "wasi:config/runtime": { get: (k) => (k === "dest_topic" ? "out" : undefined), getAll: () => [["dest_topic", "out"]] },
      "wasi:logging/logging": { log: () => {} },
    };
    const msg = (body) => ({ subject: "in", body: new TextEncoder().encode(body), replyTo: undefined });
    const first = await loadComponent(bytes, "tinygo-panic-" + process.pid, host);
    let trap;
    try { first.exports["${HANDLER}"].handleMessage(msg("boom")); } catch (e) { trap = String(e) + "\\n" + e.stack; }
    const fresh = await loadComponent(bytes, "tinygo-panic-" + process.pid, host);
    fresh.exports["${HANDLER}"].handleMessage(msg("fine"));
    console.log(JSON.stringify({ trap, published }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script, wasm("panicky")], { encoding: "utf8", env: { ...process.env, PELATO_CACHE: join(projects[2]!.dir, ".cache") } });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const { trap, published } = JSON.parse(lines.pop()!) as { trap?: string; published: string[] };
  assert.match(trap ?? "", /unreachable[\s\S]*runtime\.\w*[pP]anic/, "the message fails with a trap in TinyGo's panic");
  // TinyGo prints the panic on the component's stdout (wasmCloud logs it), then traps.
  assert.match(lines.join("\n"), /panic: runtime error: assignment to entry in nil map/);
  assert.deepEqual(published, ["ok:fine"]);
});

function underWasmtime(component: string, config: Record<string, string>, messages: { subject: string; body: string }[]) {
  const r = spawnSync(python, [join(REPO_ROOT, "test", "wasmtime", "run_component.py")], {
    input: JSON.stringify({ wasm: wasm(component), config, messages }),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stderr: r.stderr, out: r.status === 0 ? (JSON.parse(r.stdout) as { results: { error: string | null; published: [string, string, string | null][] }[] }) : undefined };
}

test("under wasmtime: 21.5 °C → 294.65 K, a 1 MB body round-trips, the filter drops out-of-range readings", () => {
  const convert = underWasmtime("celsius_to_kelvin_conversion", { dest_topic: "kelvin" }, [
    { subject: "celsius", body: '{"Data":21.5}' },
    { subject: "celsius", body: JSON.stringify({ Data: 1, Name: "m".repeat(1_000_000) }) },
  ]);
  assert.equal(convert.code, 0, convert.stderr);
  assert.deepEqual(convert.out!.results[0], { error: null, published: [["kelvin", '{"Data":294.65,"Name":""}', null]] });
  assert.equal(JSON.parse(convert.out!.results[1]!.published[0]![1]).Name.length, 1_000_000);
  const filter = underWasmtime("temp_filter", { dest_topic: "filtered" }, [
    { subject: "k", body: '{"Data":500}' },
    { subject: "k", body: '{"Data":-1}' },
    { subject: "k", body: '{"Data":300}' },
  ]);
  assert.equal(filter.code, 0, filter.stderr);
  assert.deepEqual(filter.out!.results.map((r) => r.published.length), [0, 0, 1]);
});

test("under wasmtime: a panic traps in TinyGo's panic for that message only; the next instance is fine", () => {
  const boom = underWasmtime("panicky", { dest_topic: "out" }, [{ subject: "in", body: "boom" }]);
  assert.notEqual(boom.code, 0);
  assert.match(boom.stderr, /main!runtime\.\w*[pP]anic/);
  const next = underWasmtime("panicky", { dest_topic: "out" }, [{ subject: "in", body: "after" }]);
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(next.out!.results[0], { error: null, published: [["out", "ok:after", null]] });
});

test("the TinyGo image's net (toolchain/tinygo/net): Go's address types and parsing; everything needing a network says it has none (go test)", () => {
  const module = tempProject({ "go.mod": "module pelato.local/net\n\ngo 1.24\n" });
  try {
    cpSync(join(REPO_ROOT, "toolchain", "tinygo", "net"), module.dir, { recursive: true });
    const r = spawnSync("go", ["test", "-count=1", "-v", "."], { cwd: module.dir, encoding: "utf8", env: { ...process.env, GOWORK: "off" } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const name of ["TestAddressesParseAndPrintAsGosDo", "TestHostPortSplitAndJoin", "TestWhatNeedsANetworkSaysSo"]) assert.match(r.stdout, new RegExp(`--- PASS: ${name}`));
  } finally {
    module.cleanup();
  }
});
