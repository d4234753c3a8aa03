import { formatDiagnostic } from "../errors.js";
import type { DaemonEvent } from "./types.js";

type Colors = { green(s: string): string; red(s: string): string; yellow(s: string): string; cyan(s: string): string; dim(s: string): string };

/** One line (or a few) for people; undefined for events not worth a line. */
export function formatEvent(e: DaemonEvent, c: Colors): string | undefined {
  switch (e.type) {
    case "ready":
      return [`${c.green("watching")} ${e.target}: ${e.apps.length} application(s)`, e.service && `  service  ${e.service}`, e.metrics && `  metrics  ${e.metrics}/metrics`].filter(Boolean).join("\n");
    case "change":
      return c.dim(`changed: ${e.paths.join(", ")}`);
    case "plan":
      return e.apps.map((a) => `${c.cyan(a.action.padEnd(9))} ${a.name} ${c.dim(`(${a.reason}${a.build ? ", build" : ""}${a.push ? ", push" : ""}${a.deploy ? ", deploy" : ""})`)}`).join("\n");
    case "built":
      return `${c.green("built")}     ${e.app} ${c.dim(`${e.toolchain} ${(e.size / 1024).toFixed(0)} KiB ${e.cacheHit ? "(cache)" : `${e.seconds.toFixed(1)} s`}`)}`;
    case "build-failed":
      return `${c.red("failed")}    ${e.app}: the old version keeps serving\n${e.diagnostics.length ? e.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n") : `  ${e.message}`}`;
    case "pushed":
      return `${c.green("pushed")}    ${e.ref}${e.skipped ? c.dim(" (already there)") : ""}`;
    case "push-failed":
      return `${c.red("push failed")} ${e.app}: ${e.message} (the old version keeps serving)`;
    case "deployed":
      return `${c.green("deployed")}  ${e.app} ${c.dim(`${e.version} (${e.step})`)}`;
    case "deploy-failed":
      return `${c.red("deploy failed")} ${e.app}: ${e.message}`;
    case "crossings":
      return `${c.green("crossing")}  ${e.topics.join(", ")} ${c.dim("(store and forward from the leaves)")}`;
    case "crossings-failed":
      return `${c.red("crossings failed")} ${e.message} ${c.dim("(deploying anyway; retried next cycle)")}`;
    case "sinks-failed":
      return `${c.red("sinks failed")} ${e.message} ${c.dim("(their tasks keep their running version; retried next cycle)")}`;
    case "sink-warning":
      return c.yellow(`warning: ${e.message}`);
    case "progress":
      return c.dim(e.message);
    case "removed":
      return `${c.yellow("removed")}   ${e.app}`;
    case "invalid":
      return `${c.red("invalid")}   nothing changed, the running version keeps serving:\n${e.diagnostics.map((d) => `  ${formatDiagnostic(d)}`).join("\n")}`;
    case "cycle":
      if (e.outcome === "noop" || e.outcome === "superseded") return e.outcome === "superseded" ? c.dim("superseded by a newer edit") : undefined;
      return c.dim(`${e.outcome} in ${e.ms.toFixed(0)} ms (build ${e.stages.build.toFixed(0)}, push ${e.stages.push.toFixed(0)}, deploy ${(e.stages.deploy + e.stages.swap).toFixed(0)})${e.retryInMs ? `; retrying in ${e.retryInMs / 1000} s` : ""}`);
    case "nats":
      return c.yellow(`NATS ${e.status}${e.detail ? `: ${e.detail}` : ""}`);
    case "request":
      return `${e.outcome === "ok" || e.outcome === "duplicate" ? c.green("request") : c.red("request")}   ${e.endpoint} ${e.outcome}${e.reason ? `: ${e.reason}` : ""}${e.count ? ` (${e.count} such since the last line)` : ""}`;
    case "error":
      return `${c.red("error")}     ${e.message}`;
  }
}
