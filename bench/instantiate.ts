// bench/instantiate: how long the real wasmtime engine (PyPI `wasmtime`, as in wasmCloud's hosts)
// takes to instantiate a processor component, built by each toolchain: wasmCloud instantiates a
// component for every message, so this is a floor under every message's cost. Beside it, what
// the component's core module sets up at each start (initial memory, data copied in).
// Run: npm run build && node dist/bench/instantiate.js   (BENCH_RUNS=300, BENCH_TOOLCHAINS=go,tinygo)
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GoToolchain, TinygoToolchain, type Toolchain } from "../src/build/index.js";
import { coreModules, memoryImage } from "../src/memory-image.js";
import { buildDir } from "../test/helpers/build.js";
import { REPO_ROOT, tempProject } from "../test/helpers/project.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 300);
const TOOLCHAINS = (process.env.BENCH_TOOLCHAINS ?? "go,tinygo").split(",");
const TASKS = {
  // The issue's processor: a JSON number doubled; and one that only appends to its argument.
  double: 'package main\n\nimport "strconv"\n\nfunc exec_task(arg string) string {\n\tn, _ := strconv.Atoi(arg)\n\treturn strconv.Itoa(2 * n)\n}\n',
  append: 'package main\n\nfunc exec_task(arg string) string { return arg + "!" }\n',
};
const workflow = `project_name: Instantiate\ntasks:\n${Object.keys(TASKS)
  .map((n) => `  - {name: ${n}, type: processor_nats, code: ${n}.go, targets: [edge], source_topic: in.${n}, dest_topic: out.${n}, component_name: ${n}, version: 1.0.0}`)
  .join("\n")}\n`;
const toolchains: Record<string, () => Toolchain> = { go: () => new GoToolchain(), tinygo: () => new TinygoToolchain() };

const python = execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "wasmtime-py.sh")], { encoding: "utf8" }).trim();
const report: Record<string, unknown> = { bench: "instantiate", runs: RUNS, engine: "wasmtime (PyPI), a fresh store per instantiation" };
for (const name of TOOLCHAINS) {
  const p = tempProject({ "workflow.yaml": workflow, ...Object.fromEntries(Object.entries(TASKS).map(([n, code]) => [`tasks/${n}.go`, code])) });
  try {
    const built = await buildDir(p.dir, undefined, toolchains[name]!());
    const paths = [...built.values()].map((b) => b.wasm);
    const times = JSON.parse(execFileSync(python, [join(REPO_ROOT, "bench", "instantiate_component.py"), String(RUNS), ...paths], { encoding: "utf8" })) as Record<string, object>;
    report[name] = Object.fromEntries(
      [...built].map(([task, b]) => {
        const image = memoryImage(coreModules(readFileSync(b.wasm))[0]!);
        return [task, { ...times[b.wasm], component_kb: Math.round(b.size / 1024), initial_memory_kb: image.initialBytes / 1024, data_kb: Math.round(image.dataBytes / 1024), zeroed_after_data_kb: Math.round((image.initialBytes - image.dataEnd) / 1024) }];
      }),
    );
  } finally {
    p.cleanup();
  }
}
report.goal_ms = 1;
console.log(JSON.stringify(report, null, 2));
