// bench/gen: `pelatod gen` on a generated 100-task project (goal: <= 300 ms), against a
// baseline in the same process that only writes the same files with no validation or rendering.
// It runs twice: on the disk of os.tmpdir(), and in RAM (/dev/shm), which separates pelatod's own
// cost from the file system's (≈ 1,300 small files per gen).
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { resolveConfig } from "../src/config/index.js";
import { renderOptionsFrom } from "../src/render/index.js";
import { renderProject, writeGen } from "../src/render/index.js";
import { loadProject } from "../src/workflow/index.js";
import { generateProject } from "../test/helpers/project-generator.js";
import { summarize, timeRuns } from "./stats.js";

const TASKS = Number(process.env.BENCH_TASKS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const places = [tmpdir(), ...(existsSync("/dev/shm") ? ["/dev/shm"] : [])];
for (const place of places) console.log(JSON.stringify({ place, ...(await measure(generateProject(TASKS, undefined, place))) }, null, 2));

async function measure(dir: string): Promise<Record<string, unknown>> {
  try {
    const options = renderOptionsFrom(resolveConfig(dir, {}, {}));
    const gen = async () => writeGen(await renderProject(await loadProject(dir), options));
    await gen(); // warm-up: builds the Go checker once per machine, loads templates

    const phases = { load: [] as number[], render: [] as number[], write: [] as number[] };
    let files = new Map<string, string>();
    const total = await timeRuns(RUNS, async () => {
      let t = performance.now();
      const project = await loadProject(dir);
      phases.load.push(performance.now() - t);
      t = performance.now();
      const rendered = await renderProject(project, options);
      phases.render.push(performance.now() - t);
      t = performance.now();
      writeGen(rendered);
      phases.write.push(performance.now() - t);
      files = rendered.files;
    });

    const baselineDir = join(dir, "baseline");
    const baseline = await timeRuns(RUNS, () => {
      rmSync(baselineDir, { recursive: true, force: true });
      for (const [path, content] of files) {
        mkdirSync(dirname(join(baselineDir, path)), { recursive: true });
        writeFileSync(join(baselineDir, path), content);
      }
    });

    const t = summarize(total);
    const b = summarize(baseline);
    const report = {
      bench: "gen",
      tasks: TASKS,
      files: files.size,
      runs: RUNS,
      gen_ms: round(t),
      phases_median_ms: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Number(summarize(v).median.toFixed(1))])),
      baseline_write_only_ms: round(b),
      ratio_to_baseline: Number((t.median / b.median).toFixed(2)),
      goal_ms: 300,
      meets_goal: t.median <= 300,
    };
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
}
}

function round(s: ReturnType<typeof summarize>) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Number(v.toFixed(1))]));
}
