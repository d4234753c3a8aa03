import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
  /** Waits until `check` (called again on every event) returns a value. */
  waitUntil<T>(check: () => T | undefined, o?: { timeoutMs?: number; what?: string; from?: number }): Promise<T>;
  /** Events of one type since `from`. */
  since(from: number, type?: string): Ev[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `pelatod <args> --json` as a user would, collecting its events. */
export function spawnDaemon(args: string[], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  // Mainline Go unless a test chooses: the daemon's tests hold and count `go` (held-go.ts), and
  // its builds take a fraction of a second.
  const child = spawn(process.execPath, [CLI, ...args, "--json"], { env: { ...process.env, NO_COLOR: "1", PELATO_TOOLCHAIN: "go", ...env }, stdio: ["ignore", "pipe", "pipe"] });
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
    waitFor(pred, o = {}) {
      return p.waitUntil(() => events.slice(o.from ?? 0).find(pred), o);
    },
    async waitUntil(check, o = {}) {
      const end = Date.now() + (o.timeoutMs ?? 120_000);
      for (;;) {
        const hit = check();
        if (hit !== undefined) return hit;
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

/** Writes a file as editors that save atomically do: a temporary file (which the watcher ignores), then a rename. */
export function writeAtomic(path: string, content: string): void {
  writeFileSync(`${path}.pelato-test~`, content);
  renameSync(`${path}.pelato-test~`, path);
}

/**
 * Brings the project's files to `files` (each written only if it differs, atomically) and waits
 * until the daemon has planned with all of them: a cycle that read the project after the last
 * change event naming them, and was not superseded. Returns that cycle, or undefined when
 * nothing differed. A test that starts with this holds alone and after any other.
 */
export async function settle(d: DaemonProcess, dir: string, files: Record<string, string>, timeoutMs = 180_000): Promise<Ev | undefined> {
  const from = d.mark();
  const written = Object.entries(files).filter(([path, content]) => {
    const full = join(dir, path);
    if (existsSync(full) && readFileSync(full, "utf8") === content) return false;
    writeAtomic(full, content);
    return true;
  }).map(([path]) => path);
  if (written.length === 0) return undefined;
  const lastChange = await d.waitUntil(() => {
    const changes = d.since(from, "change");
    const seen = new Set(changes.flatMap((e) => e.paths as string[]));
    return written.every((w) => seen.has(w)) ? Math.max(...changes.map((e) => e.seq as number)) : undefined;
  }, { timeoutMs, what: `change events for ${written.join(", ")}` });
  return d.waitFor((e) => e.type === "cycle" && e.outcome !== "superseded" && (e.upToChange as number) >= lastChange, { from, timeoutMs, what: `a cycle that read ${written.join(", ")}` });
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
