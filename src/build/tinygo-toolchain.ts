import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { execa, type ResultPromise } from "execa";
import { RuntimeFailure } from "../errors.js";
import { cacheDir } from "../paths.js";
import { CompileError } from "./errors.js";
import { COMPONENT_FILE, containerCreateArgs, CREATE_TIMEOUT_MS, DEFAULT_TINYGO_TIMEOUT_MS, NEEDS_SCHEDULER, tinygoBuildArgs, type TinygoScheduler } from "./tinygo-container.js";
import { mapTinygoOutput } from "./tinygo-errors.js";
import { findEngine, imageId, tinygoImageTag, tinygoVersions, type ContainerEngine } from "./tinygo-image.js";
import { prepareTinygoSource, tinygoSourceDigest, writeTinygoWit } from "./tinygo-source.js";
import type { BuildJob, Toolchain } from "./toolchain.js";

export interface TinygoOptions {
  /** Build inside the pinned toolchain container. Default: true; false runs `tinygo` from PATH. */
  container?: boolean;
  /** Container engine. Default: PELATO_CONTAINER_ENGINE, else docker, else podman. */
  engine?: ContainerEngine;
  /** Image to run. Default: the tag toolchain/tinygo/build-image.sh builds. */
  image?: string;
  /** Per-task time limit. Default: DEFAULT_TINYGO_TIMEOUT_MS. */
  timeoutMs?: number;
}

const SETUP_HINT = "run toolchain/setup/tinygo.sh to build it (or see README: toolchains)";

/** How many TinyGo builds this process started; tests read it to prove cache hits. */
export const tinygoStats = { runs: 0 };

/**
 * TinyGo (-target=wasip2) in the pinned toolchain container, the way wasmCloud builds Go
 * components: small components (≈ 0.2–0.5 MB against ≈ 3 MB from mainline Go). The rendered
 * project and the glue are the go toolchain's, with one adaptation (tinygo-source.ts).
 */
export class TinygoToolchain implements Toolchain {
  readonly name = "tinygo" as const;
  readonly #o: Required<Omit<TinygoOptions, "engine">> & { engine: ContainerEngine | undefined };
  #resolved: Promise<{ engine: ContainerEngine; id: string } | undefined> | undefined;
  #fingerprint: Promise<string> | undefined;

  constructor(o: TinygoOptions = {}) {
    this.#o = { container: o.container ?? true, engine: o.engine, image: o.image ?? tinygoImageTag(), timeoutMs: o.timeoutMs ?? DEFAULT_TINYGO_TIMEOUT_MS };
  }

  /** The engine and the image's ID (its digest in the local store), found once. */
  #image(): Promise<{ engine: ContainerEngine; id: string }> {
    this.#resolved ??= (async () => {
      const engine = this.#o.engine ?? (await findEngine());
      if (!engine) return undefined;
      const id = await imageId(engine, this.#o.image);
      return id ? { engine, id } : undefined;
    })();
    return this.#resolved.then((r) => {
      if (!r) throw new RuntimeFailure(`the tinygo toolchain needs docker or podman with the image ${this.#o.image}; ${SETUP_HINT}`);
      return r;
    });
  }

  fingerprint(): Promise<string> {
    // The image ID is a digest of everything in the image, so a rebuilt image never reuses components.
    this.#fingerprint ??= (this.#o.container ? this.#image().then(({ id }) => `image ${id}`) : localVersions()).then(
      (tools) => `tinygo ${tinygoVersions().TINYGO_VERSION}|${tools}|${tinygoBuildArgs("W", "WIT", "OUT").join(" ")}|${tinygoSourceDigest()}`,
    );
    return this.#fingerprint;
  }

  async build(job: BuildJob): Promise<Uint8Array> {
    const dirs = { src: join(job.workDir, "src"), wit: join(job.workDir, "wit"), out: join(job.workDir, "out") };
    prepareTinygoSource(job.projectDir, dirs.src);
    writeTinygoWit(dirs.wit);
    mkdirSync(dirs.out, { recursive: true });
    tinygoStats.runs++;
    const world = job.task.template.world;
    const compile = (scheduler: TinygoScheduler) => (this.#o.container ? this.#runContainer(job, dirs, world, scheduler) : this.#runLocal(job, dirs, world, scheduler));
    let run = await compile("none");
    if (run.exitCode !== 0 && NEEDS_SCHEDULER.test(String(run.all ?? ""))) {
      job.onOutput?.("the task starts goroutines: building again with TinyGo's scheduler (asyncify)");
      run = await compile("asyncify");
    }
    const output = String(run.all ?? "");
    if (run.exitCode !== 0) {
      const diagnostics = mapTinygoOutput(output, job.task.task.codePath, `gen/${job.task.dir}`, this.#o.container ? undefined : dirs.src);
      // Without a file:line:col in the task the failure is a module's or the toolchain's (wasm-opt, wasm-tools, a crash).
      if (!diagnostics.some((d) => d.line !== undefined)) {
        const net = NET_MISSING.exec(output)?.[1];
        if (net) throw new RuntimeFailure(`${job.task.dir} depends, through a module it imports, on net.${net}, which the TinyGo image's net does not have: under TinyGo a task has no network of its own (toolchain/tinygo/net); build it with --toolchain go`);
        throw new RuntimeFailure(`tinygo build of ${job.task.dir} failed: ${tail(output)}`);
      }
      throw new CompileError(job.task.dir, diagnostics);
    }
    return readFileSync(join(dirs.out, COMPONENT_FILE));
  }

  async #runContainer(job: BuildJob, dirs: { src: string; wit: string; out: string }, world: string, scheduler: TinygoScheduler) {
    const { engine, id } = await this.#image();
    const cache = join(cacheDir(), "tinygo-cache", this.#o.image.replace(/[^A-Za-z0-9_.-]/g, "_"));
    mkdirSync(cache, { recursive: true });
    const name = `pelato-tinygo-${job.task.dir.replace(/[^A-Za-z0-9_.-]/g, "-")}-${randomBytes(4).toString("hex")}`;
    // Run by ID, not tag: exactly the image whose digest is in the cache key, even if the tag moved since.
    const args = containerCreateArgs({ engine, image: id, name, ...dirs, cache, uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, world, scheduler, ...(job.modCache ? { modCache: job.modCache } : {}) });
    // Killing the engine's client leaves the container behind: it is removed by name.
    const remove = () => execa(engine, ["rm", "-f", name], { reject: false });
    const created = await execa(engine, args, { all: true, reject: false, cancelSignal: job.signal, timeout: CREATE_TIMEOUT_MS });
    if (created.isCanceled || created.timedOut) {
      await remove();
      throw new RuntimeFailure(created.timedOut ? `${engine} did not create the build container for ${job.task.dir} within ${CREATE_TIMEOUT_MS / 1000} s` : `build of ${job.task.dir} was cancelled`);
    }
    if (created.exitCode !== 0) throw new RuntimeFailure(`${engine} create failed for ${job.task.dir} (exit ${created.exitCode}): ${tail(String(created.all ?? ""))}`);
    const result = await settle(execa(engine, ["start", "-a", name], { all: true, reject: false, cancelSignal: job.signal, timeout: this.#o.timeoutMs }), job);
    if (result.isCanceled || result.timedOut) {
      await remove();
      throw new RuntimeFailure(result.timedOut ? `build of ${job.task.dir} took longer than ${this.#o.timeoutMs / 1000} s and was stopped` : `build of ${job.task.dir} was cancelled`);
    }
    // 125: the engine itself failed (a bad mount); 126/127: the command could not run.
    if (typeof result.exitCode === "number" && result.exitCode >= 125) {
      await remove();
      throw new RuntimeFailure(`${engine} start failed for ${job.task.dir} (exit ${result.exitCode}): ${tail(String(result.all ?? ""))}`);
    }
    return result;
  }

  async #runLocal(job: BuildJob, dirs: { src: string; wit: string; out: string }, world: string, scheduler: TinygoScheduler) {
    const env = { ...process.env, GOFLAGS: "-mod=readonly", GOWORK: "off", GOPROXY: "off" };
    const child = execa("tinygo", tinygoBuildArgs(world, dirs.wit, join(dirs.out, COMPONENT_FILE), scheduler), { cwd: dirs.src, env, all: true, reject: false, cancelSignal: job.signal, timeout: this.#o.timeoutMs });
    const result = await settle(child, job);
    if (result.isCanceled || result.timedOut) throw new RuntimeFailure(`build of ${job.task.dir} was ${result.timedOut ? "stopped by its time limit" : "cancelled"}`);
    if ((result as { code?: string }).code === "ENOENT") throw new RuntimeFailure("--no-container needs tinygo (0.40, with wasm-tools and wasm-opt) on PATH");
    return result;
  }
}

/** A module asks the TinyGo image's net (toolchain/tinygo/net) for what it does not have. */
const NET_MISSING = /undefined: net\.(\w+)/;

/** Streams a child's output, line by line, to the job's progress, and waits for it. */
async function settle<T extends ResultPromise<{ all: true; reject: false }>>(child: T, job: BuildJob): Promise<Awaited<T>> {
  child.all?.on("data", (chunk: Buffer) => chunk.toString().split("\n").filter(Boolean).forEach((l) => job.onOutput?.(l)));
  return (await child) as Awaited<T>;
}

function tail(output: string): string {
  return output.trim().split("\n").slice(-6).join("\n");
}

/** Versions of the local tools, for the fingerprint when building without the container. */
async function localVersions(): Promise<string> {
  const version = async (cmd: string, args: string[]) => {
    const r = await execa(cmd, args, { reject: false });
    if (r.exitCode !== 0) throw new RuntimeFailure(`--no-container needs ${cmd} on PATH (${cmd} ${args.join(" ")} failed)`);
    return String(r.stdout).trim();
  };
  return (await Promise.all([version("tinygo", ["version"]), version("wasm-tools", ["--version"]), version("wasm-opt", ["--version"])])).join("|");
}
