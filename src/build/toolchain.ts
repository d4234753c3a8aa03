import type { RenderedTask } from "../render/index.js";

/** One task to compile: its rendered project on disk and where the component goes. */
export interface BuildJob {
  task: RenderedTask;
  /** Absolute path of gen/<component>/. */
  projectDir: string;
  /** Folder the toolchain may use for intermediate files; removed afterwards. */
  workDir: string;
  signal: AbortSignal;
  /** Compiler output, line by line, for progress. */
  onOutput?: (line: string) => void;
  /** The module cache holding the project's modules, downloaded and verified (downloadModules). */
  modCache?: string;
}

/** Turns a rendered Go project into a WebAssembly component (WASI 0.2). */
export interface Toolchain {
  readonly name: ToolchainName;
  /** Everything about the toolchain that changes its output (versions, flags); part of the cache key. */
  fingerprint(): Promise<string>;
  /** Compiles and returns the component's bytes; throws CompileError for errors in user code. */
  build(job: BuildJob): Promise<Uint8Array>;
}

/** go: mainline Go on the machine (toolchain/go-toolchain.ts); tinygo: TinyGo in the pinned container (tinygo-toolchain.ts). */
export type ToolchainName = "go" | "tinygo";
export const TOOLCHAIN_NAMES: readonly ToolchainName[] = ["go", "tinygo"];

export { TOOLCHAIN_CHOICES, type ToolchainChoice } from "../config/index.js";
