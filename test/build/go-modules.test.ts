// Task code beyond the standard library: a task importing github.com/google/uuid, pinned in the
// project's go.mod and go.sum. toolchain/setup/test-modules.sh put the module in the Go module
// cache, as `go get` would; these tests run with GOPROXY=off, so nothing is fetched from anywhere.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GoToolchain, TinygoToolchain } from "../../src/build/index.js";
import { renderProject } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { buildAll, buildDir } from "../helpers/build.js";
import { pelatod } from "../helpers/cli.js";
import { collectUntil } from "../helpers/collect.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { startLocalPipeline } from "../helpers/local.js";
import { REPO_ROOT, tempProject } from "../helpers/project.js";

process.env.GOPROXY = "off";
const GO_MOD = "module pelato.local/ids\n\ngo 1.24\n\nrequire github.com/google/uuid v1.6.0\n";
const GO_SUM = "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\ngithub.com/google/uuid v1.6.0/go.mod h1:TIyPZe4MgqvfeYDBFedMoGGpEw/LqOeaOT+nhxU+yHo=\n";
const ID_TASK = 'package main\n\nimport "github.com/google/uuid"\n\n// exec_task names its argument with a version-5 UUID: the same argument, the same name.\nfunc exec_task(arg string) string {\n\treturn uuid.NewSHA1(uuid.NameSpaceDNS, []byte(arg)).String()\n}\n';
const GJSON_SUM = [
  "github.com/tidwall/gjson v1.18.0 h1:FIDeeyB800efLX89e5a8Y0BNH+LOngJyGrIWxG2FKQY=",
  "github.com/tidwall/gjson v1.18.0/go.mod h1:/wbyibRr2FHMks5tjHJ5F8dMZh3AcwJEMf5vlfC0lxk=",
  "github.com/tidwall/match v1.1.1 h1:+Ho715JplO36QYgwN9PGYNhgZvoUSc9X2c80KVTi+GA=",
  "github.com/tidwall/match v1.1.1/go.mod h1:eRSPERbgtNPcGhD8UCthc6PmLEQXEWd3PRB5JTxsfmM=",
  "github.com/tidwall/pretty v1.2.0 h1:RWIZEg2iJ8/g6fDDYzMpobmaoGh5OLl4AXtGUGPcqCs=",
  "github.com/tidwall/pretty v1.2.0/go.mod h1:ITEVvHYasfjBbM0u2Pg8T2nJnzm8xPwvNhhsoaGGjNU=",
  "",
].join("\n");
const PLAIN_TASK = "package main\n\nfunc exec_task(arg string) string { return arg }\n";
const WORKFLOW = "project_name: ids\ntasks:\n  - {name: Name it, type: processor_nats, code: id.go, targets: [edge], source_topic: id.in, dest_topic: id.out, component_name: namer, version: 1.0.0}\n  - {name: Echo, type: processor_nats, code: echo.go, targets: [edge], source_topic: e.in, dest_topic: e.out, component_name: echo, version: 1.0.0}\n";
// uuid.NewSHA1(uuid.NameSpaceDNS, "pelato.dev"), as Python's uuid.uuid5 gives it.
const EXPECTED = execFileSync("python3", ["-c", "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'pelato.dev'))"], { encoding: "utf8" }).trim();
const files = { "workflow.yaml": WORKFLOW, "go.mod": GO_MOD, "go.sum": GO_SUM, "tasks/id.go": ID_TASK, "tasks/echo.go": PLAIN_TASK };
const project = tempProject(files);
let python: string;

before(() => {
  python = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "wasmtime-py.sh")], { encoding: "utf8" }).trim();
});
after(() => project.cleanup());

function underWasmtime(wasm: string, body: string): [string, string, null][] {
  const out = execFileSync(python, [join(REPO_ROOT, "test", "wasmtime", "run_component.py")], { input: JSON.stringify({ wasm, config: { dest_topic: "out" }, messages: [{ subject: "in", body }] }), encoding: "utf8" });
  return (JSON.parse(out) as { results: { published: [string, string, null][] }[] }).results[0]!.published;
}

test("go: the uuid task builds from the pinned module and runs under wasmtime; its module requires exactly what the project pins", async () => {
  const built = await buildDir(project.dir, undefined, new GoToolchain());
  assert.deepEqual(underWasmtime(built.get("namer")!.wasm, "pelato.dev"), [["out", EXPECTED, null]]);
  const gen = readFileSync(join(project.dir, "gen", "namer", "go.mod"), "utf8");
  assert.match(gen, /require \(\n\tgithub\.com\/google\/uuid v1\.6\.0\n\)/);
  assert.equal(readFileSync(join(project.dir, "gen", "namer", "go.sum"), "utf8"), GO_SUM);
});

test("tinygo, in its container without network: the uuid task builds (uuid imports net: the image's is pelato's own) and runs under wasmtime", async () => {
  const built = await buildDir(project.dir, undefined, new TinygoToolchain());
  assert.deepEqual(underWasmtime(built.get("namer")!.wasm, "pelato.dev"), [["out", EXPECTED, null]]);
});

test("tinygo: a task calling what the image's net does not have gets the compiler's error at its line", async () => {
  const dialer = tempProject({
    "workflow.yaml": "project_name: dial\ntasks:\n  - {name: Dial, type: processor_nats, code: dial.go, targets: [edge], source_topic: in, dest_topic: out, component_name: dialer, version: 1.0.0}\n",
    "tasks/dial.go": 'package main\n\nimport "net"\n\nfunc exec_task(arg string) string {\n\taddr, _ := net.ResolveTCPAddr("tcp", arg)\n\treturn addr.String()\n}\n',
  });
  try {
    const [result] = await buildAll(dialer.dir, undefined, new TinygoToolchain());
    assert.ok(result && !result.ok);
    assert.match(result.error.message, /tasks\/dial\.go:6:\d+: .*undefined: net\.ResolveTCPAddr/);
  } finally {
    dialer.cleanup();
  }
});

test("tinygo, in its container without network: a task using a pinned module (gjson) builds from the read-only module cache and runs under wasmtime", async () => {
  const json = tempProject({
    "workflow.yaml": "project_name: js\ntasks:\n  - {name: Pick, type: processor_nats, code: pick.go, targets: [edge], source_topic: in, dest_topic: out, component_name: picker, version: 1.0.0}\n",
    "go.mod": "module pelato.local/js\n\ngo 1.24\n\nrequire (\n\tgithub.com/tidwall/gjson v1.18.0\n\tgithub.com/tidwall/match v1.1.1 // indirect\n\tgithub.com/tidwall/pretty v1.2.0 // indirect\n)\n",
    "go.sum": GJSON_SUM,
    "tasks/pick.go": 'package main\n\nimport "github.com/tidwall/gjson"\n\nfunc exec_task(arg string) string { return gjson.Get(arg, "reading.celsius").String() }\n',
  });
  try {
    const built = await buildDir(json.dir, undefined, new TinygoToolchain());
    assert.deepEqual(underWasmtime(built.get("picker")!.wasm, '{"reading":{"celsius":21.5}}'), [["out", "21.5", null]]);
  } finally {
    json.cleanup();
  }
});

for (const toolchain of [new GoToolchain(), new TinygoToolchain()]) {
  test(`on the local host: the uuid task built with ${toolchain.name} answers`, async () => {
    const p = await startLocalPipeline(project.dir, { toolchain });
    try {
      const got = await collectUntil(p.nc, "id.out", () => p.nc.publish("id.in", "pelato.dev"), (g) => g.length > 0);
      assert.deepEqual(got, [EXPECTED]);
    } finally {
      await p.stop();
    }
  });
}

test("a tampered go.sum: validate and build exit 2 naming go.sum", () => {
  const bad = tempProject({ ...files, "go.sum": GO_SUM.replace("NIvaJDMO", "AAAAJDMO") });
  try {
    for (const command of ["validate", "build"]) {
      const r = pelatod([command, bad.dir, "--toolchain", "go"].slice(0, command === "build" ? 4 : 2), { env: { GOPROXY: "off" } });
      assert.equal(r.code, 2, `${command}: ${r.stderr}`);
      assert.match(r.stderr, /^error: go\.sum:1:1: does not match what was downloaded: .*github\.com\/google\/uuid@v1\.6\.0.*checksum mismatch/m, command);
    }
  } finally {
    bad.cleanup();
  }
});

const unpinned: Array<[string, Record<string, string>, RegExp]> = [
  [
    "an import of a module go.mod does not require: exit 2 at the import's line:col, naming the module and the command that adds it",
    { "tasks/echo.go": 'package main\n\nimport (\n\t"strings"\n\n\t"golang.org/x/text/cases"\n)\n\nfunc exec_task(arg string) string { return strings.ToUpper(arg) + cases.Fold().String(arg) }\n' },
    /tasks\/echo\.go:6:2: imports "golang\.org\/x\/text\/cases", whose module go\.mod does not require: add it with `go get golang\.org\/x\/text\/cases` in the project folder/,
  ],
  ["a require go.sum does not pin: exit 2 at its go.mod line", { "go.sum": "" }, /go\.mod:5:1: github\.com\/google\/uuid v1\.6\.0: go\.sum does not pin it/],
];
for (const [name, change, expected] of unpinned) {
  test(name, () => {
    const p = tempProject({ ...files, ...change });
    try {
      const r = pelatod(["validate", p.dir], { env: { GOPROXY: "off" } });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, expected);
    } finally {
      p.cleanup();
    }
  });
}

test("go.mod and go.sum changes rebuild the tasks that use what changed, and only those", async () => {
  const versions = async () => new Map((await renderProject(await loadProject(project.dir), RENDER_OPTIONS)).tasks.map((t) => [t.dir, t.sourceDigest]));
  const before = await versions();
  const goSum = join(project.dir, "go.sum");
  try {
    // An unrelated module added to go.sum: neither task uses it.
    writeFileSync(goSum, `${GO_SUM}example.com/other v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n`);
    assert.deepEqual(await versions(), before);
    // The uuid line changed: only the task importing it.
    writeFileSync(goSum, GO_SUM.replace("NIvaJDMO", "BBBBJDMO"));
    const changed = await versions();
    assert.notEqual(changed.get("namer"), before.get("namer"));
    assert.equal(changed.get("echo"), before.get("echo"), "the task that imports only the standard library is left alone");
  } finally {
    writeFileSync(goSum, GO_SUM);
  }
});
