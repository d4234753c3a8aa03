// bench/push: our OCI client against `skopeo copy` moving the same artifacts into the same kind
// of registry (Debian's docker-registry on loopback). Goal: at least 0.9x skopeo's throughput.
// Cases: the example's built components (pushed in parallel, as `pelatod push` does) and one
// 20 MB blob. Each timed run gets a fresh registry, so that no tool finds a blob already there
// or mounts it from an earlier run (skopeo remembers blob locations in its blob-info cache).
// Timed: the transfer alone (artifacts are built beforehand, for both tools). skopeo's times
// include its process start, reported separately as skopeo_startup_ms.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { componentInterfaces, OciLayout, pushArtifact, Registry, wasmArtifact, type WasmArtifact } from "../src/oci/index.js";
import { buildDir } from "../test/helpers/build.js";
import { EXAMPLE, tempProject } from "../test/helpers/project.js";
import { bytesFrom } from "../test/oci/helpers/artifact.js";
import { startRegistry } from "../test/oci/helpers/registry.js";
import { skopeo } from "../test/oci/helpers/skopeo.js";
import { summarize, timeRuns } from "./stats.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BLOB_MB = Number(process.env.BENCH_BLOB_MB ?? 20);
const CREATED = new Date("2025-01-01T00:00:00Z");

interface Named {
  name: string;
  artifact: WasmArtifact;
}

async function exampleArtifacts(): Promise<Named[]> {
  const p = tempProject({}, EXAMPLE);
  try {
    const built = await buildDir(p.dir);
    return Promise.all(
      [...built].map(async ([name, r]) => {
        const bytes = new Uint8Array(readFileSync(r.wasm));
        return { name, artifact: wasmArtifact({ component: bytes, interfaces: await componentInterfaces(bytes), created: CREATED, title: name, version: "1.0.0" }) };
      }),
    );
  } finally {
    p.cleanup();
  }
}

function blobArtifact(): Named[] {
  const bytes = bytesFrom("bench-blob", BLOB_MB << 20);
  return [{ name: "blob", artifact: wasmArtifact({ component: bytes, interfaces: { imports: [], exports: [] }, created: CREATED, title: "blob" }) }];
}

async function ours(set: Named[]): Promise<number> {
  const reg = await startRegistry();
  const registry = new Registry({ registry: reg.host });
  try {
    const t0 = performance.now();
    await Promise.all(set.map((n) => pushArtifact(registry.repository(n.name, { push: true }), n.artifact, "1.0.0")));
    return performance.now() - t0;
  } finally {
    await registry.close();
    await reg.stop();
  }
}

async function theirs(set: Named[], layout: string): Promise<number> {
  const reg = await startRegistry();
  try {
    const t0 = performance.now();
    await Promise.all(set.map((n) => skopeo(["copy", "--quiet", "--dest-tls-verify=false", `oci:${join(layout, n.name)}:1.0.0`, `docker://${reg.host}/${n.name}:1.0.0`])));
    return performance.now() - t0;
  } finally {
    await reg.stop();
  }
}

async function compare(label: string, set: Named[], tmp: string, skopeoStartupMs: number) {
  const layout = join(tmp, label);
  for (const n of set) await pushArtifact(new OciLayout(join(layout, n.name)).target(), n.artifact, "1.0.0");
  const bytes = set.reduce((s, n) => s + n.artifact.layer.bytes.length + n.artifact.config.bytes.length + n.artifact.manifest.bytes.length, 0);
  await ours(set); // warm-up: connections, JIT
  await theirs(set, layout);
  const o: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    o.push(await ours(set));
    t.push(await theirs(set, layout));
  }
  const om = summarize(o).median;
  const tm = summarize(t).median;
  const mbps = (ms: number) => Number((bytes / (1 << 20) / (ms / 1000)).toFixed(1));
  return {
    case: label,
    artifacts: set.length,
    bytes,
    ours_ms: Number(om.toFixed(1)),
    skopeo_ms: Number(tm.toFixed(1)),
    ours_mb_s: mbps(om),
    skopeo_mb_s: mbps(tm),
    throughput_ratio: Number((tm / om).toFixed(2)),
    throughput_ratio_without_skopeo_startup: Number(((tm - skopeoStartupMs) / om).toFixed(2)),
  };
}

const tmp = mkdtempSync(join(tmpdir(), "pelato-bench-push-"));
try {
  const startup = summarize(await timeRuns(RUNS, () => skopeo(["--version"]))).median;
  const cases = [await compare("example", await exampleArtifacts(), tmp, startup), await compare(`blob-${BLOB_MB}mb`, blobArtifact(), tmp, startup)];
  const report = {
    bench: "push",
    runs: RUNS,
    cases,
    skopeo_startup_ms: Number(startup.toFixed(1)),
    goal_ratio: 0.9,
    meets_goal: cases.every((c) => c.throughput_ratio_without_skopeo_startup >= 0.9),
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
