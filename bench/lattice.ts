// bench/lattice: on a real lattice (edge + cloud hosts), `pelatod brush` of a generated 20-task
// project until all are deployed, split by stage, and the components' size; then one task changed
// and the time from brush to its new version answering. Once per toolchain, each on a lattice of
// its own. Run: npm run build && node dist/bench/lattice.js   (BENCH_TOOLCHAINS=go,tinygo, BENCH_TASKS=20)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { parse } from "yaml";
import { startLattice } from "../src/lattice/index.js";
import { CLI } from "../test/helpers/project.js";
import { generateProject } from "../test/helpers/project-generator.js";

const TASKS = Number(process.env.BENCH_TASKS ?? 20);
const TOOLCHAINS = (process.env.BENCH_TOOLCHAINS ?? "go,tinygo").split(",");
/** Components the brush built, in KiB: median and largest. */
function componentKib(dir: string): { median: number; max: number } {
  const sizes = readdirSync(join(dir, "gen"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => (JSON.parse(readFileSync(join(dir, "gen", e.name, "build", `${e.name}.json`), "utf8")) as { size: number }).size / 1024)
    .sort((a, b) => a - b);
  return { median: Math.round(sizes[Math.floor(sizes.length / 2)]!), max: Math.round(sizes.at(-1)!) };
}

/** One toolchain on a lattice of its own: brush of the whole project, then of one changed task. */
async function measure(toolchain: string) {
  const lattice = await startLattice({ hosts: ["edge", "cloud"], lattice: "default" });
  // Sources no earlier run has built: the figure includes 20 real builds.
  const dir = generateProject(TASKS, ["processor_nats"], tmpdir(), `run ${randomBytes(4).toString("hex")}`);
  const nc = await connect({ servers: lattice.natsUrl });
  try {
    const env = { ...process.env, NATS_URL: lattice.natsUrl, PELATO_PROVIDER_NATS_URL: lattice.natsUrl, REGISTRY_URL: lattice.registry, PELATO_PROVIDERS: "builtin", ENABLE_METRICS: "1" };
    const brush = () => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [CLI, "brush", dir, "--toolchain", toolchain, "--wait-timeout", "600", "--json"], { env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`brush failed: ${r.stdout}${r.stderr}`);
      return (performance.now() - t0) / 1000;
    };
    const total = brush();
    const run = (parse(readFileSync(join(dir, "metrics.yaml"), "utf8")) as { runs: { stages: Record<string, Record<string, number>> }[] }).runs.at(-1)!;
    const stages = { gen_s: run.stages.code_gen!.gen_time!, build_s: run.stages.build!.build_time!, push_s: run.stages.push!.push_time! };
    const deployAndWait = total - stages.gen_s - stages.build_s - stages.push_s;
    const size = componentKib(dir);

    // One task changed: its new output must appear. task3 appends "-3"; make it append "-3b".
    writeFileSync(join(dir, "tasks", "task3.go"), readFileSync(join(dir, "tasks", "task3.go"), "utf8").replace('"-3"', '"-3b"'));
    const t0 = performance.now();
    const redeploy = brush();
    let answered = NaN;
    for (let i = 0; i < 600 && Number.isNaN(answered); i++) {
      const reply = await nc.request("bench.t3.in", "x", { timeout: 2000 }).catch(() => undefined);
      if (reply?.string().endsWith("-3b")) answered = (performance.now() - t0) / 1000;
      else await new Promise((r) => setTimeout(r, 100));
    }
    return {
      brush_until_all_deployed_s: Number(total.toFixed(1)),
      stages_s: { ...stages, deploy_and_wait_s: Number(deployAndWait.toFixed(1)) },
      component_kib: size,
      redeploy_one_task: { brush_s: Number(redeploy.toFixed(1)), until_new_version_answers_s: Number(answered.toFixed(1)) },
    };
  } finally {
    await nc.close();
    await lattice.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Record<string, unknown> = {};
for (const t of TOOLCHAINS) results[t] = await measure(t);
console.log(
  JSON.stringify(
    {
      bench: "lattice",
      tasks: TASKS,
      hosts: ["edge", "cloud"],
      ...results,
      goal_all_deployed_s: 15,
      original_pelato: { deploy_per_app_s: "0.2-0.5", twenty_tasks_build_parallel_s: 180, failed_from_parallel_builds: 15 },
    },
    null,
    2,
  ),
);
