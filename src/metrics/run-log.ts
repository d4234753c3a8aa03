import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";

/** One command's timings, as the original PELATO kept them in metrics.yaml. */
export interface RunRecord {
  command: string;
  project: string;
  started_at: string;
  stages: Record<string, Record<string, number | string>>;
}

export const METRICS_FILE = "metrics.yaml";
const KEEP_RUNS = 100;

/** Appends a run to `<project>/metrics.yaml`, keeping the last 100; written atomically. */
export function appendRunLog(projectDir: string, run: RunRecord): void {
  const file = join(projectDir, METRICS_FILE);
  let runs: RunRecord[] = [];
  try {
    const old = parse(readFileSync(file, "utf8")) as { runs?: RunRecord[] } | null;
    if (Array.isArray(old?.runs)) runs = old.runs;
  } catch {
    // no log yet, or one we cannot read: start a new one
  }
  runs = [...runs, run].slice(-KEEP_RUNS);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, stringify({ runs }));
  renameSync(tmp, file);
}
