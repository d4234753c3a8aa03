import { Command, Option } from "commander";
import type { HostEvent } from "../../host/index.js";
import { outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions } from "../lattice.js";
import { DEFAULT_DEBOUNCE_MS, resolveDaemonSettings, type DaemonFlags } from "../../config/index.js";
import type { DaemonEvent } from "../../daemon/index.js";
import { limitsFrom, noContainerOption, toolchainOption, withLimitOptions, type LimitFlags } from "../options.js";

export type DaemonCommandFlags = CommonOptions & DaemonFlags & LimitFlags & { local?: boolean; serve?: boolean };

/** Options `watch` and `serve` share. */
export function withDaemonOptions(cmd: Command): Command {
  return withLimitOptions(withNatsOptions(withCommonOptions(cmd)), "--local: ")
    .option("--local", "run on the embedded default (a local nats-server and component host, as pelatod up) even when a lattice is configured; without NATS_URL or NATS_HOST it is the default")
    .addOption(new Option("--metrics <host:port|off>", "loopback address of /metrics and /healthz (PELATO_METRICS, default 127.0.0.1:9464)"))
    .addOption(new Option("--instance <name>", "this daemon's service subjects: pelato.<instance>.<endpoint> (PELATO_INSTANCE, default the host name)"))
    .addOption(new Option("--allow-key <nkey...>", "public user nkeys allowed to call the service (PELATO_SERVE_KEYS)"))
    .addOption(toolchainOption({ fromEnvironment: true }))
    .addOption(noContainerOption());
}

export function watchCommand(): Command {
  return withDaemonOptions(new Command("watch").description("keep the running pipeline in step with the project: rebuild, push and redeploy only what an edit changed"))
    .addOption(new Option("--debounce <ms>", `quiet time after the last edit before a plan runs (PELATO_DEBOUNCE_MS, default ${DEFAULT_DEBOUNCE_MS})`))
    .option("--serve", "also answer the NATS service (pelato.<instance>.redeploy|status|plan|remove), as pelatod serve")
    .action((dir: string, opts: DaemonCommandFlags) => runDaemon(dir, opts, { watch: true, serve: Boolean(opts.serve) }));
}

/** Runs the daemon until SIGINT or SIGTERM; events as text on stderr, or JSON lines on stdout with --json. */
export async function runDaemon(dir: string, opts: DaemonCommandFlags, mode: { watch: boolean; serve: boolean }): Promise<void> {
  const { startDaemon, formatEvent } = await import("../../daemon/index.js");
  const out = outputFor(opts);
  const settings = resolveDaemonSettings(dir, opts);
  const line = (value: unknown) => out.jsonLine(value);
  const emit = (e: DaemonEvent) => {
    if (opts.json) return line(e);
    const text = formatEvent(e, out.color);
    if (text) out.progress(text);
  };
  const onHostEvent = (e: HostEvent) => {
    if (e.type === "handled") return;
    if (opts.json) return line({ ...e, type: `host-${e.type}` });
    if (e.type === "incident") out.progress(`${out.color.red("!")} ${e.message}`);
    else if (e.type === "log") out.progress(`${out.color.dim(`[${e.app}] ${e.level}:`)} ${e.message}`);
  };
  // Signals are handled from the start: a SIGTERM while the first plan runs stops what was started.
  const starting = new AbortController();
  const running: { daemon?: Awaited<ReturnType<typeof startDaemon>> } = {};
  let stopping = false;
  const stop = () => {
    // `on`, not `once`: a second signal while stopping must not kill the process half-way.
    if (stopping) return;
    stopping = true;
    if (running.daemon) void running.daemon.stop().then(() => process.exit(0));
    else starting.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  running.daemon = await startDaemon({
    dir,
    flags: opts,
    local: Boolean(opts.local),
    ...mode,
    settings,
    emit,
    onHostEvent,
    onProgress: (l) => out.progress(l),
    limits: limitsFrom(opts),
    signal: starting.signal,
  }).catch((err: unknown) => {
    if (starting.signal.aborted) process.exit(0);
    throw err;
  });
  // Until a signal: stop() ends the process once everything is stopped, as up does.
  await new Promise<void>(() => {});
}
