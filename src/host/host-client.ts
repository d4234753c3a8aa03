import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DatabaseSettings, NatsSettings } from "../config/index.js";
import { RuntimeFailure } from "../errors.js";
import type { AppSource, AppStatus, FromHost, ToHost } from "./host-protocol.js";
import { DEFAULT_LIMITS, type Limits } from "./instance.js";
import type { HostEvent } from "./local-host.js";

export interface HostProcessOptions {
  nats: NatsSettings;
  clientName: string;
  limits?: Partial<Limits>;
  httpHost?: string;
  onEvent?: (e: HostEvent) => void;
  /** Whether onEvent gets a `handled` event per message. Default: false. */
  handledEvents?: boolean;
  /** Called once a host that died runs again with every application it had. */
  onRestarted?: () => void;
  /** DATABASE_URL of the postgres sinks (the wasmcloud:postgres import). */
  database?: DatabaseSettings;
}

type Step = "started" | "swapped" | "unchanged";
type Request = { type: "apply"; app: AppSource } | { type: "remove"; name: string } | { type: "stop" };

const ENTRY = fileURLToPath(new URL("./host-process.js", import.meta.url));

/**
 * The local component host, run in a child process: the daemon's memory is then the daemon's
 * own, and what components cost shows (and is given back) in the host's. Should the host die,
 * it is started again and given back every application it ran.
 */
export class HostProcess {
  #child: ChildProcess | undefined;
  #ready: Promise<void>;
  #pending = new Map<number, { resolve(m: FromHost & { type: "done" }): void; reject(e: Error): void }>();
  #nextId = 1;
  #apps: AppStatus[] = [];
  #sources = new Map<string, AppSource>();
  #stopping: Promise<void> | undefined;

  private constructor(private readonly o: HostProcessOptions) {
    this.#ready = this.#spawn();
  }

  static async start(o: HostProcessOptions): Promise<HostProcess> {
    const host = new HostProcess(o);
    await host.#ready;
    return host;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** What runs, as of the last request the host answered. */
  apps(): AppStatus[] {
    return this.#apps;
  }

  alive(): boolean {
    const c = this.#child;
    return c !== undefined && c.exitCode === null && c.signalCode === null;
  }

  async apply(app: AppSource): Promise<Step> {
    const reply = await this.#call({ type: "apply", app });
    this.#sources.set(app.manifest.metadata.name, app);
    return reply.step!;
  }

  async remove(name: string): Promise<void> {
    await this.#call({ type: "remove", name });
    this.#sources.delete(name);
  }

  stop(): Promise<void> {
    return (this.#stopping ??= (async () => {
      const child = this.#child;
      if (!child || !this.alive()) return;
      const exited = new Promise((r) => child.once("exit", r));
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await this.#send(child, { type: "stop" }).catch(() => {});
      await exited;
      clearTimeout(kill);
    })());
  }

  async #call(request: Request): Promise<FromHost & { type: "done" }> {
    // A host that could not be started again is tried once more by the next request.
    await this.#ready.catch(() => (this.#ready = this.#revive()));
    if (this.#stopping && request.type !== "stop") throw new RuntimeFailure("the local host is stopping");
    return this.#send(this.#child!, request);
  }

  #send(child: ChildProcess, request: Request): Promise<FromHost & { type: "done" }> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (m) => ((this.#apps = m.apps), resolve(m)),
        reject,
      });
      child.send({ ...request, id } as ToHost);
    });
  }

  async #spawn(): Promise<void> {
    // Each component's worker thread would otherwise get malloc arenas of its own, kept after it ends.
    const child = fork(ENTRY, [], { serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"], env: { MALLOC_ARENA_MAX: "2", ...process.env } });
    this.#child = child;
    const { password, token, ...nats } = this.o.nats;
    const start = { nats: { ...nats, ...(password ? { password: password.reveal() } : {}), ...(token ? { token: token.reveal() } : {}) }, clientName: this.o.clientName, limits: { ...DEFAULT_LIMITS, ...this.o.limits }, ...(this.o.httpHost ? { httpHost: this.o.httpHost } : {}), handledEvents: this.o.handledEvents ?? false, ...(this.o.database ? { databaseUrl: this.o.database.url.reveal() } : {}) };
    let started = false;
    await new Promise<void>((resolve, reject) => {
      child.on("message", (m: FromHost) => {
        if (m.type === "ready") {
          started = true;
          resolve();
        } else if (m.type === "events") m.events.forEach((e) => this.o.onEvent?.(e));
        else if (m.type === "done") this.#pending.get(m.id)?.resolve(m);
        else if (m.id === undefined) reject(new RuntimeFailure(`the local host did not start: ${m.message}`));
        else this.#pending.get(m.id)?.reject(new RuntimeFailure(m.message));
        if ("id" in m && m.id !== undefined) this.#pending.delete(m.id);
      });
      child.once("exit", (code, signal) => {
        const why = `the local host process exited (${signal ?? `code ${code}`})`;
        reject(new RuntimeFailure(why));
        for (const p of this.#pending.values()) p.reject(new RuntimeFailure(why));
        this.#pending.clear();
        if (started && this.#child === child && !this.#stopping) this.#restart(why);
      });
      child.send({ type: "start", start } satisfies ToHost);
    });
  }

  async #revive(): Promise<void> {
    this.#apps = [];
    await this.#spawn();
    for (const source of this.#sources.values()) await this.#send(this.#child!, { type: "apply", app: source });
  }

  #restart(why: string): void {
    this.o.onEvent?.({ type: "incident", app: "local host", message: `${why}; starting it again with ${this.#sources.size} application(s)` });
    this.#ready = this.#revive();
    this.#ready.then(
      () => this.o.onRestarted?.(),
      (err: Error) => this.o.onEvent?.({ type: "incident", app: "local host", message: `starting the local host again failed: ${err.message}` }),
    );
  }
}
