import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CompileError, TaskBuildResult, ToolchainChoice } from "../../build/index.js";
import type { RegistrySettings } from "../../config/index.js";
import { InputError, RuntimeFailure } from "../../errors.js";
import type { PushReport } from "../../oci/index.js";
import type { BuiltComponent, PushedTask } from "../../pipeline/index.js";
import type { RenderedProject } from "../../render/index.js";
import type { FromWorker, ToWorker } from "./toolbox-protocol.js";

/** How long the toolbox process stays after its last job; edits in a row find it warm. */
export const DEFAULT_TOOLBOX_IDLE_MS = 60_000;

/**
 * Builds and pushes in a child process that exits after `idleMs` without work. A process rather
 * than a worker thread: a componentize peaks at a few hundred MB, and memory a thread's malloc
 * arena held is not given back when the thread ends, while a process's is. An idle daemon
 * keeps none of it. An aborted build cancels its compilers.
 */
export class Toolbox {
  #worker: ChildProcess | undefined;
  #idle: NodeJS.Timeout | undefined;
  #pending = new Map<number, { resolve(m: FromWorker): void; reject(e: Error): void }>();
  #nextId = 1;

  constructor(
    readonly idleMs = DEFAULT_TOOLBOX_IDLE_MS,
    readonly toolchain: { choice: ToolchainChoice; container: boolean } = { choice: "auto", container: true },
  ) {}

  async build(rendered: RenderedProject, genDir: string, o: { parallel: number; forLocalHost: boolean }, signal: AbortSignal): Promise<TaskBuildResult[]> {
    const id = this.#nextId++;
    const onAbort = () => this.#worker?.send({ type: "abort", id } satisfies ToWorker);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const reply = await this.#call({ type: "build", id, rendered, genDir, ...o, toolchain: this.toolchain.choice, container: this.toolchain.container });
      if (reply.type !== "built") throw new Error("unexpected reply");
      return reply.results.map((r) => {
        if (r.ok) return r;
        const error = r.error.diagnostics ? (new InputError(r.error.diagnostics) as CompileError) : new RuntimeFailure(r.error.message);
        return { component: r.component, ok: false, error };
      });
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Pushes one built component under its task's version. */
  async push(task: PushedTask, built: BuiltComponent, registry: RegistrySettings, projectDir: string): Promise<PushReport> {
    const { password, ...rest } = registry;
    const reply = await this.#call({ type: "push", id: this.#nextId++, task, built, registry: { ...rest, ...(password ? { password: password.reveal() } : {}) }, projectDir });
    if (reply.type !== "pushed") throw new Error("unexpected reply");
    return reply.report;
  }

  async close(): Promise<void> {
    clearTimeout(this.#idle);
    const w = this.#worker;
    this.#worker = undefined;
    if (!w || w.exitCode !== null || w.signalCode !== null) return;
    const exited = new Promise((r) => w.once("exit", r));
    w.disconnect();
    const kill = setTimeout(() => w.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(kill);
  }

  #call(msg: Exclude<ToWorker, { type: "abort" }>): Promise<FromWorker> {
    clearTimeout(this.#idle);
    const worker = (this.#worker ??= this.#start());
    return new Promise<FromWorker>((resolve, reject) => {
      this.#pending.set(msg.id, { resolve, reject });
      worker.send(msg);
    }).finally(() => {
      this.#pending.delete(msg.id);
      if (this.#pending.size === 0 && this.#worker === worker) {
        this.#idle = setTimeout(() => void this.close(), this.idleMs);
        this.#idle.unref();
      }
    });
  }

  #start(): ChildProcess {
    // "advanced" serialization is structured clone: the rendered project's Maps cross as they are.
    const worker = fork(fileURLToPath(new URL("./toolbox-worker.js", import.meta.url)), [], { serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"] });
    worker.on("message", (m: FromWorker) => {
      const p = this.#pending.get(m.id);
      if (m.type === "failed") p?.reject(new RuntimeFailure(m.message));
      else p?.resolve(m);
    });
    const fail = (why: string) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const p of this.#pending.values()) p.reject(new RuntimeFailure(`the build process ${why}`));
    };
    worker.on("error", (err) => fail(`failed: ${err.message}`));
    worker.on("exit", (code) => fail(`exited (${code})`));
    return worker;
  }
}
