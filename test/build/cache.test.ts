import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComponentCache, compilerStats, sha256 } from "../../src/build/index.js";
import { cacheDir } from "../../src/paths.js";
import { buildAll, buildDir } from "../helpers/build.js";
import { EXAMPLE, tempProject } from "../helpers/project.js";

test("a second build with nothing changed starts 0 compiler processes; a changed task rebuilds alone", async () => {
  const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-cache-"));
  const p = tempProject({}, EXAMPLE);
  try {
    const cache = new ComponentCache(cacheRoot);
    const first = await buildDir(p.dir, cache);
    assert.ok([...first.values()].every((r) => !r.cacheHit));
    const runs = compilerStats.runs;

    const second = await buildDir(p.dir, cache);
    assert.equal(compilerStats.runs, runs, "no compiler started");
    assert.ok([...second.values()].every((r) => r.cacheHit));
    for (const [c, r] of second) assert.equal(r.digest, first.get(c)!.digest);

    const filter = join(p.dir, "tasks", "filter.go");
    writeFileSync(filter, readFileSync(filter, "utf8").replace("r.Data > 400", "r.Data > 500"));
    const third = await buildDir(p.dir, cache);
    assert.equal(compilerStats.runs, runs + 1, "only the changed task compiled");
    assert.equal(third.get("celsius_to_kelvin_conversion")!.cacheHit, true);
    assert.equal(third.get("temp_filter")!.cacheHit, false);

    // The output in gen/ is the cached component byte for byte, with its record.
    const out = third.get("temp_filter")!;
    assert.equal(sha256(readFileSync(out.wasm)), out.digest);
    const record = JSON.parse(readFileSync(out.wasm.replace(/\.wasm$/, ".json"), "utf8"));
    assert.equal(record.digest, out.digest);
    assert.equal(record.toolchain, "go");
  } finally {
    p.cleanup();
    rmSync(cacheRoot, { recursive: true, force: true });
  }
});

test("a build that finds a whole entry stored meanwhile keeps that one; a damaged one is replaced", () => {
  const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-cache-"));
  try {
    const cache = new ComponentCache(cacheRoot);
    const key = "a".repeat(64);
    const first = cache.put(key, new Uint8Array([1, 2, 3]), { toolchain: "go", seconds: 1 });
    const second = cache.put(key, new Uint8Array([4, 5, 6]), { toolchain: "go", seconds: 1 });
    assert.deepEqual([...second.bytes], [1, 2, 3]);
    assert.equal(second.record.digest, first.record.digest);
    writeFileSync(join(cacheRoot, `${key}.wasm`), "torn");
    const third = cache.put(key, new Uint8Array([7, 8, 9]), { toolchain: "go", seconds: 1 });
    assert.deepEqual([...third.bytes], [7, 8, 9]);
    assert.deepEqual([...cache.get(key)!.bytes], [7, 8, 9]);
  } finally {
    rmSync(cacheRoot, { recursive: true, force: true });
  }
});

test("two builds of the same project at once share one cache safely", async () => {
  const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-cache-"));
  const a = tempProject({}, EXAMPLE);
  const b = tempProject({}, EXAMPLE);
  try {
    const [ra, rb] = await Promise.all([buildDir(a.dir, new ComponentCache(cacheRoot)), buildDir(b.dir, new ComponentCache(cacheRoot))]);
    for (const [c, r] of ra) assert.equal(r.digest, rb.get(c)!.digest);
    const again = await buildDir(a.dir, new ComponentCache(cacheRoot));
    assert.ok([...again.values()].every((r) => r.cacheHit));
  } finally {
    a.cleanup();
    b.cleanup();
    rmSync(cacheRoot, { recursive: true, force: true });
  }
});

test("a damaged cache entry is rebuilt, not served", async () => {
  const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-cache-"));
  const p = tempProject({}, EXAMPLE);
  try {
    const cache = new ComponentCache(cacheRoot);
    await buildDir(p.dir, cache);
    for (const f of readdirSync(cacheRoot).filter((n) => n.endsWith(".wasm"))) writeFileSync(join(cacheRoot, f), "garbage");
    const results = await buildAll(p.dir, cache);
    assert.ok(results.every((r) => r.ok && !r.cacheHit));
  } finally {
    p.cleanup();
    rmSync(cacheRoot, { recursive: true, force: true });
  }
});

test("a build removes the scratch folders of builds whose process is gone, and keeps a live one's", async () => {
  const dead = spawnSync("true").pid!; // exited: its pid names no live process (barring reuse within this test)
  const orphan = join(cacheDir(), `work-${dead}-aB3dE9`);
  const live = join(cacheDir(), `work-${process.pid}-aB3dE9`);
  const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-cache-"));
  const p = tempProject({}, EXAMPLE);
  try {
    mkdirSync(orphan, { recursive: true });
    mkdirSync(live, { recursive: true });
    await buildDir(p.dir, new ComponentCache(cacheRoot)); // an empty cache: a real build
    assert.ok(!existsSync(orphan), "the dead build's folder is gone");
    assert.ok(existsSync(live), "a live process's folder is kept");
  } finally {
    rmSync(live, { recursive: true, force: true });
    rmSync(orphan, { recursive: true, force: true });
    p.cleanup();
    rmSync(cacheRoot, { recursive: true, force: true });
  }
});
