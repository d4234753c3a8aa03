// Go's repeated WASI imports: renamed, with the adapter exporting the same function under the new
// name, so no code is rewritten; binaryen only when renaming cannot do it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import binaryen from "binaryen";
import { execa } from "execa";
import { fileURLToPath } from "node:url";
import { preview1AdapterReactorPath } from "@bytecodealliance/jco";
import { componentize } from "../../src/build/componentize.js";
import { aliasAdapterExports, NotRenamable, renameRepeatedImports } from "../../src/build/dedupe-imports.js";
import { GO_BUILD_FLAGS, goEnv } from "../../src/build/go-toolchain.js";
import { exports, sections } from "../../src/wasm-binary.js";
import { renderProject, writeGen } from "../../src/render/index.js";
import { loadProject } from "../../src/workflow/index.js";
import { RENDER_OPTIONS } from "../helpers/fixtures.js";
import { tempProject } from "../helpers/project.js";

/** A module importing `module.name` twice (and `env.other` once), with one function calling each import. */
function moduleWithRepeat(module: string, name: string): Uint8Array {
  const m = new binaryen.Module();
  const ii = binaryen.createType([binaryen.i32]);
  m.addFunctionImport("first", module, name, ii, binaryen.i32);
  m.addFunctionImport("other", "env", "other", ii, binaryen.i32);
  m.addFunctionImport("second", module, name, ii, binaryen.i32);
  for (const f of ["first", "other", "second"]) {
    m.addFunction(`call_${f}`, ii, binaryen.i32, [], m.call(f, [m.local.get(0, binaryen.i32)], binaryen.i32));
    m.addFunctionExport(`call_${f}`, `call_${f}`);
  }
  const bytes = m.emitBinary();
  m.dispose();
  return bytes;
}

test("a repeated preview1 import is renamed in the import section only; every call still reaches its import", async () => {
  const core = moduleWithRepeat("wasi_snapshot_preview1", "fd_write");
  const { core: renamed, aliases } = renameRepeatedImports(core);
  assert.deepEqual([...aliases], [["fd_write$1", "fd_write"]]);
  const mod = await WebAssembly.compile(renamed as Uint8Array<ArrayBuffer>);
  assert.deepEqual(WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`), ["wasi_snapshot_preview1.fd_write", "env.other", "wasi_snapshot_preview1.fd_write$1"]);
  const { exports: fns } = await WebAssembly.instantiate(mod, {
    wasi_snapshot_preview1: { fd_write: (x: number) => x + 1, fd_write$1: (x: number) => x + 100 },
    env: { other: (x: number) => x + 10 },
  });
  const call = (f: string) => (fns[f] as (x: number) => number)(1);
  assert.deepEqual([call("call_first"), call("call_other"), call("call_second")], [2, 11, 101], "the function index space did not move");
  const again = renameRepeatedImports(renamed);
  assert.equal(again.aliases.size, 0, "no repeat left: nothing to do");
  assert.equal(again.core, renamed, "and the module is returned as it is");
});

test("a repeat outside preview1 cannot be renamed (the adapter does not implement it)", () => {
  const m = new binaryen.Module();
  m.addFunctionImport("a", "wasi:config/runtime@0.2.0-draft", "get", binaryen.none, binaryen.none);
  m.addFunctionImport("b", "wasi:config/runtime@0.2.0-draft", "get", binaryen.none, binaryen.none);
  const core = m.emitBinary();
  m.dispose();
  assert.throws(() => renameRepeatedImports(core), NotRenamable);
});

test("the adapter exports the aliased function under the new name too", async () => {
  const adapter = new Uint8Array(readFileSync(fileURLToPath(preview1AdapterReactorPath())));
  const aliased = aliasAdapterExports(adapter, new Map([["fd_write$1", "fd_write"]]));
  assert.ok(WebAssembly.validate(aliased as Uint8Array<ArrayBuffer>));
  const list = exports(sections(aliased).find((s) => s.id === 7)!.payload);
  assert.equal(list.find((e) => e.name === "fd_write$1")!.index, list.find((e) => e.name === "fd_write")!.index);
  assert.throws(() => aliasAdapterExports(adapter, new Map([["nope$1", "nope"]])), NotRenamable);
});

test("a Go task's core: componentize renames fd_write's repeat; with a repeat it cannot rename, binaryen removes it", async () => {
  const p = tempProject({ "workflow.yaml": "project_name: C\ntasks:\n  - {name: C, type: processor_nats, code: c.go, targets: [edge], source_topic: c.in, dest_topic: c.out, component_name: c, version: 1.0.0}\n", "tasks/c.go": 'package main\n\nimport "fmt"\n\nfunc exec_task(arg string) string { fmt.Println(arg); return arg }\n' });
  const work = mkdtempSync(join(tmpdir(), "pelato-core-"));
  try {
    const rendered = await renderProject(await loadProject(p.dir), RENDER_OPTIONS);
    const gen = writeGen(rendered);
    const core = join(work, "core.wasm");
    await execa("go", [...GO_BUILD_FLAGS, core, "."], { cwd: join(gen, "c"), env: goEnv() }); // as GoToolchain runs it, up to the core module
    const bytes = new Uint8Array(readFileSync(core));
    assert.ok(renameRepeatedImports(bytes).aliases.has("fd_write$1"), "Go still repeats fd_write: the case this exists for");
    const component = await componentize(bytes, rendered.tasks[0]!.template.world);
    assert.ok(Buffer.from(component).includes("fd_write$1"), "made by renaming");

    const m = binaryen.readBinary(bytes); // the same core with a repeat of a WIT import added
    m.addFunctionImport("get_again", "wasi:config/runtime@0.2.0-draft", "get", binaryen.createType([binaryen.i32, binaryen.i32, binaryen.i32]), binaryen.none);
    const withRepeat = m.emitBinary();
    m.dispose();
    const fallback = await componentize(withRepeat, rendered.tasks[0]!.template.world);
    assert.ok(!Buffer.from(fallback).includes("fd_write$1"), "made by binaryen's duplicate-import-elimination");
  } finally {
    rmSync(work, { recursive: true, force: true });
    p.cleanup();
  }
});
