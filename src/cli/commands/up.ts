import { Command } from "commander";
import { join } from "node:path";
import { PROVIDER_NAMES } from "../../render/index.js";
import { outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { genAndBuild, type ToolchainChoice } from "../pipeline.js";
import { limitsFrom, toolchainOption, withLimitOptions, type LimitFlags } from "../options.js";
import type { Output } from "../output.js";
import type { HostEvent } from "../../host/index.js";
import { RuntimeFailure } from "../../errors.js";

type UpFlags = CommonOptions & LimitFlags & { toolchain: ToolchainChoice };

export function upCommand(): Command {
  return withLimitOptions(withCommonOptions(new Command("up").description("run the project on this machine: a local NATS server and every task in a local component host (Ctrl-C stops all)")))
    .addOption(toolchainOption())
    .action(async (dir: string, opts: UpFlags) => {
      const out = outputFor(opts);
      const built = await genAndBuild(dir, { ...opts, forLocalHost: true }, out);
      const host = await import("../../host/index.js");
      const { startEmbedded } = await import("../../daemon/index.js");
      const projectDir = built.project.dir;
      const events = eventPrinter(out);
      const embedded = await startEmbedded(projectDir, built.config, { limits: limitsFrom(opts), onEvent: events.onEvent, handledEvents: true, onProgress: (l) => out.progress(l), clientName: "pelatod-up" });
      const { nats, host: local } = embedded;
      let stopping: Promise<void> | undefined;
      const stop = () =>
        (stopping ??= (async () => {
          out.progress("stopping…");
          events.stop();
          await embedded.stop();
        })());
      process.once("SIGINT", () => void stop().then(() => process.exit(0)));
      process.once("SIGTERM", () => void stop().then(() => process.exit(0)));
      try {
        const { setUpSinks } = await import("../../pipeline/index.js");
        const sinks = await setUpSinks(embedded.nc, built.project, built.config, { timeoutMs: built.config.nats.timeoutMs });
        for (const w of sinks.warnings) out.progress(out.color.yellow(`warning: ${w}`));
      } catch (err) {
        await stop();
        throw err;
      }
      // A task that does not start (its init never returns, it traps) is reported by name; the
      // others run. Only when none starts does up fail.
      const failed: { app: string; message: string }[] = [];
      for (const t of built.rendered.tasks) {
        const r = built.results.find((b) => b.component === t.dir)!;
        try {
          await local.apply({ manifest: t.manifest, wasmPath: r.wasm, digest: r.digest });
        } catch (err) {
          const message = (err as Error).message;
          failed.push({ app: t.dir, message });
          if (opts.json) out.jsonLine({ type: "start-failed", app: t.dir, message });
          else out.progress(`${out.color.red("error")}: ${t.dir} did not start: ${message}`);
        }
      }
      if (failed.length === built.rendered.tasks.length) {
        await stop();
        throw new RuntimeFailure(`no task started:\n${failed.map((f) => `  ${f.app}: ${f.message}`).join("\n")}`);
      }
      const http = local.apps().flatMap((a) => (a.httpPort !== undefined ? [{ port: a.httpPort, app: a.name }] : []));
      embedded.publish();
      const lines = [
        `${out.color.green("up")}: ${built.project.name} on ${nats.url} (JetStream data in ${join(host.STATE_DIR, "nats")})`,
        ...http.map((h) => `  HTTP  http://127.0.0.1:${h.port}/ → ${h.app}`),
        ...local.apps().map((a) => `  task  ${a.name} ${out.color.dim(a.version)} ← ${a.subscriptions.join(", ") || "(HTTP only)"}`),
        `try: pelatod send ${http.length ? `http://127.0.0.1:${http[0]!.port}/` : (built.project.tasks[0]?.source_topic ?? "<topic>")} '{"Data":21.5}' ${dir}`,
        "Ctrl-C stops everything",
      ];
      if (opts.json) out.jsonLine({ type: "up", nats: nats.url, http, apps: local.apps(), providers: PROVIDER_NAMES });
      else out.progress(lines.join("\n"));
      await new Promise(() => {}); // runs until a signal stops it
    });
}

/** A line per message handled, or one rate line a second when busy; incidents always. */
function eventPrinter(out: Output): { onEvent: (e: HostEvent) => void; stop: () => void } {
  const BUSY = 20;
  let handled = new Map<string, number>(); // this second's count per app
  let total = 0;
  const timer = setInterval(() => {
    if (total > BUSY) out.progress(out.color.dim(`${total} msg/s (${[...handled].map(([a, n]) => `${a} ${n}`).join(", ")})`));
    handled = new Map();
    total = 0;
  }, 1000);
  timer.unref();
  const onEvent = (e: HostEvent) => {
    if (out.json) return void out.jsonLine(e);
    if (e.type === "handled") {
      handled.set(e.app, (handled.get(e.app) ?? 0) + 1);
      if (++total > BUSY && !e.error) return;
      out.progress(`${e.error ? out.color.red("✗") : out.color.green("✓")} ${e.app} ← ${e.subject} ${out.color.dim(`${e.ms.toFixed(1)} ms`)}${e.error ? ` ${e.error}` : ""}`);
    } else if (e.type === "incident") out.progress(`${out.color.red("!")} ${e.message}`);
    else if (e.type === "log") out.progress(`${out.color.dim(`[${e.app}] ${e.level}:`)} ${e.message}`);
    else if (e.type === "swapped") out.progress(`${out.color.cyan("swapped")} ${e.app} ${e.from} → ${e.to}`);
  };
  return { onEvent, stop: () => clearInterval(timer) };
}
