// Pelato's growing caches (components; transpiled components) stay under PELATO_CACHE_MAX_MB:
// least recently used first out, nothing used in the last hour, and a big cache is not listed
// on every build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComponentCache } from "../../src/build/index.js";
import { entriesToEvict, KEEP_RECENT_MS, pruneWhenGrown, type CacheEntry } from "../../src/cache-prune.js";
import { prepareComponent } from "../../src/host/transpile-cache.js";
import { buildDir } from "../helpers/build.js";
import { tempProject } from "../helpers/project.js";

const HOUR = 3_600_000;
const NOW = 1_000 * HOUR;
const entry = (name: string, bytes: number, hoursAgo: number): CacheEntry => ({ name, paths: [], bytes, lastUsed: NOW - hoursAgo * HOUR });
const names = (es: CacheEntry[]) => es.map((e) => e.name);
const key = (n: number) => n.toString(16).padStart(64, "0");
const hoursAgo = (path: string, h: number) => utimesSync(path, new Date(Date.now() - h * HOUR), new Date(Date.now() - h * HOUR));

test("entriesToEvict: the least recently used go until the rest fit; none while under; the last hour's never", () => {
  const es = [entry("new", 10, 2), entry("oldest", 10, 30), entry("old", 10, 20), entry("recent", 10, 0.5)];
  assert.deepEqual(names(entriesToEvict(es, 40, NOW)), []);
  assert.deepEqual(names(entriesToEvict(es, 25, NOW)), ["oldest", "old"]);
  assert.deepEqual(names(entriesToEvict(es, 5, NOW)), ["oldest", "old", "new"], "the recent one stays, over the limit or not");
  assert.ok(KEEP_RECENT_MS >= HOUR);
});

test("the component cache: an entry read lately stays, old ones go; under the headroom nothing is listed", () => {
  const root = mkdtempSync(join(tmpdir(), "pelato-prune-"));
  try {
    const cache = new ComponentCache(root);
    for (let i = 1; i <= 4; i++) cache.put(key(i), new Uint8Array(1000).fill(i), { toolchain: "go", seconds: 1 });
    for (let i = 1; i <= 4; i++) hoursAgo(join(root, `${key(i)}.json`), 10 - i);
    assert.ok(cache.get(key(1)), "reading entry 1 makes it the most recently used");
    const limit = 2500;
    const removed = pruneWhenGrown(root, 1000, () => cache.entries(), limit);
    assert.equal(removed.entries, 2);
    assert.deepEqual(readdirSync(root).filter((n) => n.endsWith(".wasm")).sort(), [`${key(1)}.wasm`, `${key(4)}.wasm`]);
    assert.equal(cache.get(key(2)), undefined);

    let listed = 0;
    const list = () => (listed++, cache.entries());
    pruneWhenGrown(root, 100, list, limit); // 2 entries of ~1.1 KB: some 300 bytes of headroom
    assert.equal(listed, 0, "within the headroom: not listed");
    pruneWhenGrown(root, 1000, list, limit);
    assert.equal(listed, 1, "past it: listed again");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a new transpiled component makes the least recently used ones go; the one loaded lately stays", async () => {
  const p = tempProject({ "workflow.yaml": "project_name: P\ntasks:\n  - {name: E, type: processor_nats, code: e.go, targets: [edge], source_topic: p.in, dest_topic: p.out, component_name: e, version: 1.0.0}\n", "tasks/e.go": "package main\n\nfunc exec_task(arg string) string { return arg + \"|prune\" }\n" });
  const cacheRoot = mkdtempSync(join(tmpdir(), "pelato-jco-"));
  const saved = { cache: process.env.PELATO_CACHE, max: process.env.PELATO_CACHE_MAX_MB };
  try {
    const built = (await buildDir(p.dir)).get("e")!;
    process.env.PELATO_CACHE = cacheRoot;
    process.env.PELATO_CACHE_MAX_MB = "4"; // room for the new one and about one more
    for (const [n, h] of [[1, 30], [2, 20], [3, 10]] as const) {
      const dir = join(cacheRoot, "jco", key(n));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "component.core.wasm"), new Uint8Array(1 << 20));
      writeFileSync(join(dir, "imports.json"), "[]");
      hoursAgo(join(dir, "imports.json"), h);
    }
    await prepareComponent(new Uint8Array(readFileSync(built.wasm)), built.digest);
    const left = readdirSync(join(cacheRoot, "jco")).sort();
    assert.ok(left.includes(built.digest.replace("sha256:", "")), "the new one stays");
    assert.ok(left.includes(key(3)), "the most recently used old one stays");
    assert.ok(!existsSync(join(cacheRoot, "jco", key(1))) && !existsSync(join(cacheRoot, "jco", key(2))), `the two oldest went: ${left.join(", ")}`);
  } finally {
    for (const [k, v] of [["PELATO_CACHE", saved.cache], ["PELATO_CACHE_MAX_MB", saved.max]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(cacheRoot, { recursive: true, force: true });
    p.cleanup();
  }
});
