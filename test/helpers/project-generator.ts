import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const MIXED = ["processor_nats", "http_producer_nats", "nats_to_nats-kv"] as const;

/**
 * Writes an n-task project (a chain of processors with producers and kv stores mixed in, or only
 * `types`). A `marker` goes into every source, so that no build of an earlier run is reused.
 */
export function generateProject(n: number, types: readonly (typeof MIXED)[number][] = MIXED, base = tmpdir(), marker?: string): string {
  const dir = mkdtempSync(join(base, `pelato-bench-${n}-`));
  mkdirSync(join(dir, "tasks"));
  const tasks: string[] = [];
  for (let i = 0; i < n; i++) {
    const type = types[i % types.length]!;
    const kv = type === "nats_to_nats-kv";
    writeFileSync(
      join(dir, "tasks", `task${i}.go`),
      kv
        ? `${marker ? `// ${marker}\n` : ""}package main\n\nimport "strings"\n\nfunc exec_task(key string, data string) string { return strings.ToUpper(data) + "-${i}" }\n`
        : `${marker ? `// ${marker}\n` : ""}package main\n\nimport "strings"\n\nfunc exec_task(arg string) string { return strings.Repeat(arg, 1) + "-${i}" }\n`,
    );
    tasks.push(
      [
        `  - name: Task number ${i}`,
        `    type: ${type}`,
        `    code: task${i}.go`,
        `    targets: [${i % 2 ? "edge, cloud" : "edge"}]`,
        `    source_topic: bench.t${i}.in`,
        kv ? `    bucket: bench_${i}` : `    dest_topic: bench.t${i + 1}.in`,
        `    component_name: task_${i}`,
        `    version: 1.0.${i}`,
      ].join("\n"),
    );
  }
  writeFileSync(join(dir, "workflow.yaml"), `project_name: Bench ${n}\ntasks:\n${tasks.join("\n")}\n`);
  return dir;
}
