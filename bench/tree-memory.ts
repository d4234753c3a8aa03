import { readdirSync, readFileSync } from "node:fs";

/** Samples the resident memory of this process and all its descendants; keeps the peak. */
export function peakTreeMemory(intervalMs = 200): { stop: () => number } {
  let peak = 0;
  const sample = () => {
    const parent = new Map<number, number>();
    const rss = new Map<number, number>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        parent.set(Number(name), Number(fields[1]));
        rss.set(Number(name), Number(fields[21]) * 4096);
      } catch {
        // the process ended while we looked
      }
    }
    const inTree = (pid: number): boolean => pid === process.pid || (parent.has(pid) && pid > 1 && inTree(parent.get(pid)!));
    let total = 0;
    for (const [pid, bytes] of rss) if (inTree(pid)) total += bytes;
    peak = Math.max(peak, total);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return { stop: () => (clearInterval(timer), sample(), peak) };
}
