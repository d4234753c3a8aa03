// bench/build: cold and warm builds of the example project and of a generated 20-task project
// with the go toolchain; parallel vs sequential; per-task cost, peak memory, component sizes;
// then the same rows for the tinygo toolchain (in its container), when its image is built.
// Run: npm run build && node dist/bench/build.js   (BENCH_TASKS=20 by default)
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildProject, ComponentCache, GoToolchain, compilerStats, findTinygoImage, TinygoToolchain, tinygoStats, type Toolchain } from "../src/build/index.js";
import { resolveConfig } from "../src/config/index.js";
import { loadAndRender } from "../src/pipeline/index.js";
import { writeGen } from "../src/render/index.js";
import { generateProject } from "../test/helpers/project-generator.js";
import { peakTreeMemory } from "./tree-memory.js";

const TASKS = Number(process.env.BENCH_TASKS ?? 20);
const cores = availableParallelism();
const EXAMPLE = fileURLToPath(new URL("../../examples/temperature", import.meta.url));

async function run(dir: string, parallel: number, cacheRoot: string, toolchain: () => Toolchain = () => new GoToolchain()) {
  const { rendered } = await loadAndRender(dir, resolveConfig(dir, {}, {}));
  const genDir = writeGen(rendered);
  const runs = compilerStats.runs + tinygoStats.runs;
  const mem = peakTreeMemory();
  const t0 = performance.now();
  const results = await buildProject(rendered, genDir, { toolchain: toolchain(), parallel, cache: new ComponentCache(cacheRoot) });
  const seconds = (performance.now() - t0) / 1000;
  const peak = mem.stop();
  const failed = results.filter((r) => !r.ok);
  const sizes = results.flatMap((r) => (r.ok ? [r.size] : []));
  return {
    tasks: results.length,
    parallel,
    seconds: round(seconds),
    per_task_s: round(seconds / results.length),
    compiler_runs: compilerStats.runs + tinygoStats.runs - runs,
    failed: failed.length,
    peak_tree_rss_mb: Math.round(peak / 2 ** 20),
    size_kib: { min: Math.round(Math.min(...sizes) / 1024), max: Math.round(Math.max(...sizes) / 1024) },
  };
}

const scratch = mkdtempSync(join(tmpdir(), "pelato-bench-build-"));
const example = join(scratch, "example");
cpSync(EXAMPLE, example, { recursive: true, filter: (s) => !/[/\\](gen|\.pelato)$/.test(s) });
const generated = generateProject(TASKS);
const report: Record<string, unknown> = { bench: "build", toolchain: "go", cores, tasks: TASKS };
try {
  // Truly cold: no component cache and an empty Go build cache (the standard library for wasip1 is compiled too).
  process.env.GOCACHE = join(scratch, "gocache");
  report.example_cold_empty_gocache = await run(example, cores, join(scratch, "c0"));
  report.example_cold = await run(example, cores, join(scratch, "c1"));
  report.example_warm = await run(example, cores, join(scratch, "c1"));
  report.generated_parallel_cold = await run(generated, cores, join(scratch, "c2"));
  report.generated_sequential_cold = await run(generated, 1, join(scratch, "c3"));
  report.generated_warm = await run(generated, cores, join(scratch, "c2"));
  const p = report.generated_parallel_cold as { seconds: number; failed: number };
  const s = report.generated_sequential_cold as { seconds: number };
  report.parallel_speedup = round(s.seconds / p.seconds);
  report[`all_${TASKS}_at_once_succeeded`] = p.failed === 0;
  const image = await findTinygoImage();
  if (image) {
    // Truly cold: an empty TinyGo cache (runtime, compiler-rt and libc are compiled for wasm32 too).
    const tinygo = () => new TinygoToolchain({ engine: image.engine, image: image.tag });
    const saved = process.env.PELATO_CACHE;
    process.env.PELATO_CACHE = join(scratch, "pelato-cache");
    const t: Record<string, unknown> = { image: image.tag, image_id: image.id };
    t.example_cold_empty_tinygo_cache = await run(example, cores, join(scratch, "t0"), tinygo);
    if (saved === undefined) delete process.env.PELATO_CACHE;
    else process.env.PELATO_CACHE = saved;
    t.example_cold = await run(example, cores, join(scratch, "t1"), tinygo);
    t.example_warm = await run(example, cores, join(scratch, "t1"), tinygo);
    t.generated_parallel_cold = await run(generated, cores, join(scratch, "t2"), tinygo);
    t.generated_warm = await run(generated, cores, join(scratch, "t2"), tinygo);
    report.tinygo = t;
    const row = (r: unknown) => r as { per_task_s: number; size_kib: { min: number; max: number } };
    report.per_task_comparison = {
      go: { cold_s: row(report.example_cold).per_task_s, warm_s: row(report.example_warm).per_task_s, size_kib: row(report.example_cold).size_kib },
      tinygo: { cold_s: row(t.example_cold).per_task_s, warm_s: row(t.example_warm).per_task_s, size_kib: row(t.example_cold).size_kib },
      original_pelato: { per_task_s: 25 },
    };
  } else {
    report.tinygo = "image not built: run toolchain/setup/tinygo.sh";
  }
  report.original_pelato = { per_task_s: 25, twenty_tasks_parallel_8_cores_s: 180, twenty_tasks_sequential_s: 550, first_run_image_build_s: 175, failed_from_parallel: 15 };
  console.log(JSON.stringify(report, null, 2));
} finally {
  rmSync(scratch, { recursive: true, force: true });
  rmSync(generated, { recursive: true, force: true });
}

function round(n: number): number {
  return Number(n.toFixed(2));
}
