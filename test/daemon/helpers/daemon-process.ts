import { spawn, type ChildProcess } from "node:child_process";
import { CLI } from "../../helpers/project.js";

/** An event the daemon printed with --json (DaemonEvent, or a host-* event). */
export type Ev = Record<string, unknown> & { type: string };

export interface DaemonProcess {
  child: ChildProcess;
  events: Ev[];
  stderr(): string;
  /** Index of the next event: waitFor(…, from) looks only at later ones. */
  mark(): number;
  waitFor(pred: (e: Ev) => boolean, o?: { from?: number; timeoutMs?: number; what?: string }): Promise<Ev>;
  /** Events of one type since `from`. */
  since(from: number, type?: string): Ev[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `pelatod <args> --json` as a user would, collecting its events. */
export function spawnDaemon(args: string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const child = spawn(process.execPath, [CLI, ...args, "--json"], { env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const events: Ev[] = [];
  let stderr = "";
  let buffer = "";
  const wakers = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const l of lines) {
      if (!l.startsWith("{\"type\"")) stderr += `${l}\n`; // the pretty-printed error document of a failed start
      else events.push(JSON.parse(l) as Ev);
    }
    wakers.forEach((w) => w());
  });
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  child.on("exit", () => wakers.forEach((w) => w()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const p: DaemonProcess = {
    child,
    events,
    stderr: () => stderr,
    mark: () => events.length,
    since: (from, type) => events.slice(from).filter((e) => type === undefined || e.type === type),
    async waitFor(pred, o = {}) {
      const end = Date.now() + (o.timeoutMs ?? 120_000);
      for (;;) {
        const hit = events.slice(o.from ?? 0).find(pred);
        if (hit) return hit;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`pelatod exited (${child.exitCode ?? child.signalCode}) before ${o.what ?? "the event"}\n${stderr}`);
        if (Date.now() > end) throw new Error(`no ${o.what ?? "event"} within ${o.timeoutMs ?? 120_000} ms; events: ${JSON.stringify(events.slice(o.from ?? 0)).slice(-3000)}\n${stderr}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, 200);
          wakers.add(() => (clearTimeout(t), r()));
        });
        wakers.clear();
      }
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  return p;
}

/** The cycle a request (an edit) ended in: the first cycle after `from` that was not superseded or a no-op retry. */
export function cycleAfter(d: DaemonProcess, from: number, what = "cycle", timeoutMs = 180_000): Promise<Ev> {
  return d.waitFor((e) => e.type === "cycle" && e.outcome !== "superseded", { from, timeoutMs, what });
}

export const WORKFLOW = (o: { tagDest?: string } = {}) =>
  [
    "project_name: Watch test",
    "tasks:",
    "  - {name: Upper, type: processor_nats, code: upper.go, targets: [edge], source_topic: w.upper.in, dest_topic: w.upper.out, component_name: upper, version: 1.0.0}",
    `  - {name: Tag, type: processor_nats, code: tag.go, targets: [edge], source_topic: w.tag.in, dest_topic: ${o.tagDest ?? "w.tag.out"}, component_name: tag, version: 1.0.0}`,
    "",
  ].join("\n");

/** A task whose answer names its variant: arg upper-cased, then "|<marker>". */
export const upper = (marker: string) => `package main\n\nimport "strings"\n\n// exec_task upper-cases its argument.\nfunc exec_task(arg string) string {\n\treturn strings.ToUpper(arg) + "|${marker}"\n}\n`;
export const TAG = `package main\n\nfunc exec_task(arg string) string { return arg + "|tag" }\n`;
