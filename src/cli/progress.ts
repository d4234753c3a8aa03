import type { BuildEvent } from "../build/index.js";
import type { Output } from "./output.js";

/**
 * Build progress for people: a line when a task starts and when it ends, and on a terminal a
 * reminder every few seconds of what is still compiling. Silent with --json.
 */
export function buildProgress(out: Output, interactive = Boolean(process.stderr.isTTY)): { onEvent: (e: BuildEvent) => void; stop: () => void } {
  const running = new Map<string, number>();
  const ticker = interactive
    ? setInterval(() => {
        if (running.size === 0) return;
        const now = performance.now();
        out.progress(out.color.dim(`  … ${[...running].map(([c, t]) => `${c} ${((now - t) / 1000).toFixed(0)}s`).join(", ")}`));
      }, 5000)
    : undefined;
  ticker?.unref();
  const onEvent = (e: BuildEvent) => {
    if (e.type === "output") {
      if (interactive || out.verbose) out.progress(out.color.dim(`  ${e.component}: ${e.line}`));
    } else if (e.type === "start") {
      running.set(e.component, performance.now());
      out.progress(`${out.color.cyan("building")} ${e.component}`);
    } else if (e.type === "done") {
      running.delete(e.result.component);
      const r = e.result;
      if (r.ok) out.progress(`${out.color.green("built")}    ${r.component} ${out.color.dim(`${(r.size / 1024).toFixed(0)} KiB ${r.cacheHit ? "(cached)" : `${r.seconds.toFixed(1)} s`}`)}`);
      else out.progress(`${out.color.red("failed")}   ${r.component}`);
    }
  };
  return { onEvent, stop: () => clearInterval(ticker) };
}
