import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa, ExecaError } from "execa";
import { RuntimeFailure } from "../errors.js";
import { COMPONENTIZE_METHOD, componentize, JCO_VERSION } from "./componentize.js";
import { mapCompilerOutput } from "./error-map.js";
import { CompileError } from "./errors.js";
import { preinitialize, seedReason, WIZER_ARGS, WIZER_VERSION } from "./preinit.js";
import type { BuildJob, Toolchain } from "./toolchain.js";

/** Flags for mainline Go: a reactor-style library (c-shared) with exports via go:wasmexport. */
export const GO_BUILD_FLAGS = ["build", "-buildmode=c-shared", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o"];

/** How many compiler processes this process started; tests read it to prove cache hits. */
export const compilerStats = { runs: 0 };

export interface GoToolchainOptions {
  /**
   * Start Go's runtime at build time (preinit.ts): for hosts that instantiate per message, as
   * wasmCloud does. The embedded host keeps its instances, so `up` and a local daemon skip it
   * (wizer adds ≈ 1.3 s to each build). Default: true.
   */
  preinitialize?: boolean;
}

export class GoToolchain implements Toolchain {
  readonly name = "go" as const;
  readonly preinitialize: boolean;
  #fingerprint: Promise<string> | undefined;

  constructor(o: GoToolchainOptions = {}) {
    this.preinitialize = o.preinitialize ?? true;
  }

  fingerprint(): Promise<string> {
    this.#fingerprint ??= execa("go", ["version"], { env: goEnv() })
      .then(({ stdout }) => `${stdout.trim()}|${GO_BUILD_FLAGS.join(" ")}|${this.preinitialize && WIZER_VERSION ? `wizer ${WIZER_VERSION} ${WIZER_ARGS.join(" ")}` : "not pre-initialised"}|jco ${JCO_VERSION}|${COMPONENTIZE_METHOD}`)
      .catch((err: unknown) => {
        throw new RuntimeFailure("the go toolchain needs Go >= 1.24 on PATH (go version failed)", { cause: err });
      });
    return this.#fingerprint;
  }

  async build(job: BuildJob): Promise<Uint8Array> {
    const core = join(job.workDir, "core.wasm");
    compilerStats.runs++;
    const child = execa("go", [...GO_BUILD_FLAGS, core, "."], { cwd: job.projectDir, env: goEnv(), all: true, cancelSignal: job.signal, reject: false });
    child.all?.on("data", (chunk: Buffer) => chunk.toString().split("\n").filter(Boolean).forEach((l) => job.onOutput?.(l)));
    const result = await child;
    if (result.isCanceled) throw new RuntimeFailure(`build of ${job.task.dir} was cancelled`);
    if (result.exitCode !== 0) {
      if ((result as ExecaError).code === "ENOENT") throw new RuntimeFailure("the go toolchain needs Go >= 1.24 on PATH");
      const diagnostics = mapCompilerOutput(String(result.all ?? ""), job.task.task.codePath, `gen/${job.task.dir}`);
      throw new CompileError(job.task.dir, diagnostics);
    }
    const plain = readFileSync(core);
    if (!this.preinitialize) return componentize(plain, job.task.template.world);
    const seeded = seedReason(await linkedPackages(job));
    const pre = seeded ? { core: plain, preinitialized: false as const, reason: seeded } : await preinitialize(core, join(job.workDir, "core.init.wasm"), job.signal, plain);
    if (!pre.preinitialized) job.onOutput?.(`not pre-initialised (every instance starts Go's runtime itself): ${pre.reason}`);
    return componentize(pre.core, job.task.template.world);
  }
}

async function linkedPackages(job: BuildJob): Promise<string[]> {
  const { stdout } = await execa("go", ["list", "-deps", "-f", "{{.ImportPath}}", "."], { cwd: job.projectDir, env: goEnv(), cancelSignal: job.signal });
  return stdout.split("\n");
}

export function goEnv(): NodeJS.ProcessEnv {
  // GOFLAGS from the user's shell could change the output behind the cache's back (downloading
  // honours it). -mod=readonly: nothing is resolved at build time that go.sum does not pin.
  return { ...process.env, GOOS: "wasip1", GOARCH: "wasm", CGO_ENABLED: "0", GOFLAGS: "-mod=readonly", GOWORK: "off", GOPROXY: "off" };
}
