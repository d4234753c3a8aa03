// The tinygo toolchain's container: no network, read-only project, errors mapped to the
// user's file, a time limit, the image digest in the cache key, and `auto` choosing it.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { buildProject, ComponentCache, GoToolchain, TinygoToolchain, tinygoImageTag, tinygoStats, type TaskBuildResult, type Toolchain } from "../../src/build/index.js";
import { containerCreateArgs } from "../../src/build/tinygo-container.js";
import { findEngine, tinygoVersions, type ContainerEngine } from "../../src/build/tinygo-image.js";
import { mapTinygoOutput } from "../../src/build/tinygo-errors.js";
import { pickToolchain } from "../../src/build/index.js";
import { formatDiagnostic, InputError, RuntimeFailure } from "../../src/errors.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { pelatod } from "../helpers/cli.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { cacheDir } from "../../src/paths.js";
import { EXAMPLE, REPO_ROOT, tempProject } from "../helpers/project.js";

let imageId: string;
let engine: ContainerEngine;
before(async () => {
  // The setup script first: it starts the container engine's daemon when it is not running.
  imageId = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "tinygo.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  const found = await findEngine();
  if (!found) throw new Error("no container engine answers (docker or podman), though toolchain/setup/tinygo.sh ran");
  engine = found;
});

async function build(dir: string, toolchain: Toolchain, cache?: ComponentCache): Promise<TaskBuildResult[]> {
  const rendered = await renderProject(await loadProject(dir), RENDER_OPTIONS);
  return buildProject(rendered, writeGen(rendered), { toolchain, parallel: 2, ...(cache ? { cache } : {}) });
}

const one = (file: string, code: string) =>
  tempProject({
    "workflow.yaml": `project_name: T\ntasks:\n  - {name: t, type: processor_nats, code: ${file}, targets: [edge], source_topic: in, dest_topic: out, component_name: t, version: 1.0.0}\n`,
    [`tasks/${file}`]: code,
  });

test("the container has no network, the project is read-only, the user's uid", () => {
  const args = containerCreateArgs({ engine: "docker", image: "img", name: "n", src: "/p/src", wit: "/p/wit", out: "/p/out", cache: "/c", uid: 1234, gid: 99, world: "processor" });
  assert.deepEqual(args.slice(args.indexOf("--network"), args.indexOf("--network") + 2), ["--network", "none"]);
  assert.ok(args.join(" ").includes("-e GOFLAGS=-mod=readonly -e GOPROXY=off"), "nothing resolved that go.sum does not pin");
  const withModules = containerCreateArgs({ engine: "docker", image: "img", name: "n", src: "/p/src", wit: "/p/wit", out: "/p/out", cache: "/c", uid: 1, gid: 1, world: "processor", modCache: "/home/u/go/pkg/mod" });
  assert.ok(withModules.join(" ").includes("-v /home/u/go/pkg/mod:/gomod:ro -e GOMODCACHE=/gomod"), "the downloaded modules, read-only");
  assert.ok(args.includes("/p/src:/src:ro") && args.includes("/p/wit:/wit:ro") && args.includes("/p/out:/out"));
  assert.deepEqual(args.slice(args.indexOf("--user"), args.indexOf("--user") + 2), ["--user", "1234:99"]);
  assert.ok(args.includes("--read-only"));
  assert.deepEqual(args.slice(0, 3), ["create", "--rm", "--name"]);
  assert.deepEqual(args.slice(args.indexOf("img")), ["img", "tinygo", "build", "-target=wasip2", "-no-debug", "-scheduler=none", "-wit-package", "/wit", "-wit-world", "tinygo-processor", "-o", "/out/component.wasm", "."]);
});

test("an import no go.mod pins never reaches a build: validate exits 2 at the import, naming the command that adds it", () => {
  const p = one("net.go", 'package main\n\nimport "github.com/pelato-test/nowhere"\n\nfunc exec_task(arg string) string {\n\treturn nowhere.Do(arg)\n}\n');
  try {
    const r = pelatod(["build", p.dir, "--toolchain", "tinygo"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /tasks\/net\.go:3:8: imports "github\.com\/pelato-test\/nowhere", whose module go\.mod does not require: create the project's go\.mod .*go get github\.com\/pelato-test\/nowhere/);
  } finally {
    p.cleanup();
  }
});

test("a type error is reported at tasks/<file>.go:L:C, by the library and by `pelatod build --toolchain tinygo`", async () => {
  const p = tempProject({ "tasks/filter.go": 'package main\n\nfunc exec_task(arg string) string {\n\tvar n int = arg\n\treturn ""\n}\n' }, EXAMPLE);
  try {
    const results = await build(p.dir, new TinygoToolchain(), new ComponentCache(join(p.dir, "cache")));
    const filter = results.find((r) => r.component === "temp_filter")!;
    assert.ok(!filter.ok && filter.error instanceof InputError);
    const lines = (filter.error as InputError).diagnostics.map(formatDiagnostic);
    assert.ok(lines.includes("tasks/filter.go:4:14: cannot use arg (variable of type string) as int value in variable declaration"), lines.join("\n"));
    assert.equal(results.find((r) => r.component === "celsius_to_kelvin_conversion")!.ok, true);

    const cli = pelatod(["build", p.dir, "--toolchain", "tinygo"]);
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(cli.stderr, /^error: tasks\/filter\.go:4:14: /m);
  } finally {
    p.cleanup();
  }
});

test("TinyGo's paths inside the container map back to the project", () => {
  const out = "# pelato.local/task\n/src/exec_task.go:7:9: undefined: kelvin\n/src/glue/cabi/cabi.go:3:2: oops\n";
  assert.deepEqual(mapTinygoOutput(out, "tasks/convert.go", "gen/conv").map(formatDiagnostic), ["tasks/convert.go:7:9: undefined: kelvin", "gen/conv/glue/cabi/cabi.go:3:2: oops"]);
});

test("the cache key includes the image digest: built once, then reused; another image is another key", async () => {
  const p = one("echo.go", 'package main\n\nfunc exec_task(arg string) string {\n\treturn "echo:" + arg\n}\n');
  const cache = new ComponentCache(join(p.dir, "cache"));
  try {
    const runs = tinygoStats.runs;
    const toolchain = new TinygoToolchain();
    const [first] = await build(p.dir, toolchain, cache);
    assert.ok(first?.ok && !first.cacheHit, "built");
    assert.equal(tinygoStats.runs, runs + 1);
    const [second] = await build(p.dir, new TinygoToolchain(), cache);
    assert.ok(second?.ok && second.cacheHit && second.digest === first.digest, "reused");
    assert.equal(tinygoStats.runs, runs + 1, "no second compile");

    const fingerprint = await toolchain.fingerprint();
    assert.ok(fingerprint.includes(imageId), fingerprint);
    const key = (toolchainId: string) => ComponentCache.key({ sourceDigest: "s", witDigest: "w", toolchain: toolchainId, world: "processor" });
    assert.notEqual(key(fingerprint), key(fingerprint.replace(imageId, `sha256:${"0".repeat(64)}`)));
    assert.notEqual(key(fingerprint), key(await new GoToolchain().fingerprint()));
  } finally {
    p.cleanup();
  }
});

test("a build over its time limit is stopped and its container removed", async () => {
  // The pinned image with a `tinygo` first on PATH that never ends: the build is over any limit.
  const held = `${tinygoImageTag()}-held-${process.pid}`;
  const maker = `pelato-test-held-${process.pid}`;
  const path = (await execa(engine, ["image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", tinygoImageTag()])).stdout.split("\n").find((l) => l.startsWith("PATH="));
  await execa(engine, ["run", "--name", maker, "--user", "0", tinygoImageTag(), "sh", "-c", "mkdir -p /held && printf '#!/bin/sh\\nexec sleep 100000\\n' > /held/tinygo && chmod 755 /held/tinygo"]);
  await execa(engine, ["commit", "--change", `ENV PATH=/held:${(path ?? "PATH=/usr/local/bin:/usr/bin:/bin").slice(5)}`, maker, held]);
  await execa(engine, ["rm", "-f", maker]);
  const p = one("slow.go", 'package main\n\nfunc exec_task(arg string) string {\n\treturn arg\n}\n');
  try {
    const [r] = await build(p.dir, new TinygoToolchain({ image: held, timeoutMs: 1500 }), new ComponentCache(join(p.dir, "cache")));
    assert.ok(r && !r.ok && r.error instanceof RuntimeFailure && /took longer than 1\.5 s/.test(r.error.message), r && !r.ok ? r.error.message : "built");
    const left = await execa(engine, ["ps", "-a", "--filter", "name=pelato-tinygo-t-", "--format", "{{.Names}}"], { reject: false });
    assert.equal(String(left.stdout).trim(), "");
  } finally {
    p.cleanup();
    await execa(engine, ["rmi", "-f", held], { reject: false });
    // The toolchain keeps a TinyGo cache per image: this one's image is gone.
    rmSync(join(cacheDir(), "tinygo-cache", held.replace(/[^A-Za-z0-9_.-]/g, "_")), { recursive: true, force: true });
  }
});

test("auto picks the tinygo container when its image is present, else go; tinygo without an image says how to get it", async () => {
  assert.equal((await pickToolchain("auto")).name, "tinygo");
  assert.equal((await pickToolchain("go")).name, "go");
  const saved = process.env.PELATO_CONTAINER_ENGINE;
  process.env.PELATO_CONTAINER_ENGINE = "pelato-no-such-engine";
  try {
    assert.equal((await pickToolchain("auto")).name, "go");
  } finally {
    if (saved === undefined) delete process.env.PELATO_CONTAINER_ENGINE;
    else process.env.PELATO_CONTAINER_ENGINE = saved;
  }
  const missing = new TinygoToolchain({ image: `${tinygoImageTag()}-absent` });
  await assert.rejects(missing.fingerprint(), (e: unknown) => e instanceof RuntimeFailure && /toolchain\/setup\/tinygo\.sh/.test(e.message));
});

test("the image's toolchain is the pinned one", async () => {
  const r = await execa(engine, ["run", "--rm", "--network", "none", tinygoImageTag(), "sh", "-c", "tinygo version; wasm-tools --version; wasm-opt --version"]);
  const v = tinygoVersions();
  const llvm = v.LLVM_DEB_VERSION!.replace(/^\d+:/, "").replace(/-.*$/, ""); // 1:19.1.7-3~deb12u1 → 19.1.7
  const arch = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" }[process.arch as string];
  assert.ok(r.stdout.includes(`tinygo version ${v.TINYGO_VERSION} linux/${arch} (using go version go${v.GO_VERSION} and LLVM version ${llvm})`), r.stdout);
  assert.ok(r.stdout.includes(`wasm-tools ${v.WASM_TOOLS_VERSION}`), r.stdout);
  assert.ok(r.stdout.includes(`wasm-opt version ${v.BINARYEN_DEB_VERSION!.replace(/-.*$/, "")}`), r.stdout);
});
