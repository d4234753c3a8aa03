import { tinygoWorld } from "./tinygo-source.js";
import type { ContainerEngine } from "./tinygo-image.js";

/** Where the build's folders appear inside the container. */
export const MOUNTS = { src: "/src", wit: "/wit", out: "/out", cache: "/cache", modCache: "/gomod" } as const;
export const COMPONENT_FILE = "component.wasm";

/** Longest one task's build may take in the container before it is killed. Default: 10 min. */
export const DEFAULT_TINYGO_TIMEOUT_MS = 10 * 60_000;
/** Longest the engine may take to create a build's container. */
export const CREATE_TIMEOUT_MS = 60_000;

/**
 * TinyGo's goroutine scheduler. `none` unless the task starts goroutines: the default,
 * `asyncify`, rewrites every function to be able to unwind (binaryen's asyncify), and wasmCloud
 * pays for that in every instance it starts: a processor served 4,410 msg/s with it and 12,185
 * without (bench/lattice-throughput). A task with a `go` statement fails to build without a
 * scheduler ("attempted to start a goroutine without a scheduler") and is built again with one.
 */
export type TinygoScheduler = "none" | "asyncify";
export const NEEDS_SCHEDULER = /attempted to start a goroutine without a scheduler/;

/**
 * `tinygo build` for a task, as wasmCloud builds Go components: -target=wasip2 makes the
 * component itself (TinyGo runs wasm-opt, then wasm-tools component embed/new with our world);
 * -no-debug drops DWARF and the name section (a third of the size).
 */
export function tinygoBuildArgs(world: string, witDir: string, output: string, scheduler: TinygoScheduler = "none"): string[] {
  return ["build", "-target=wasip2", "-no-debug", `-scheduler=${scheduler}`, "-wit-package", witDir, "-wit-world", tinygoWorld(world), "-o", output, "."];
}

export interface ContainerRun {
  engine: ContainerEngine;
  image: string;
  /** Container name, so a timed-out or cancelled build can be removed by name. */
  name: string;
  /** Host folders: the prepared project (read-only), the WIT (read-only), the output and TinyGo's cache (writable). */
  src: string;
  wit: string;
  out: string;
  cache: string;
  uid: number;
  gid: number;
  world: string;
  scheduler?: TinygoScheduler;
  /** The module cache with the project's modules, downloaded and verified before: mounted read-only. */
  modCache?: string;
}

/**
 * `docker|podman create` arguments for one build (started with `start -a`, so that the time limit
 * counts from a container that exists and can be removed by name). No network: the modules the
 * project pins were downloaded and verified before, and are mounted read-only with module lookup
 * off, so nothing go.sum does not pin can be resolved. The caller's uid so outputs are the
 * user's, a read-only root with a private /tmp, no capabilities.
 */
export function containerCreateArgs(r: ContainerRun): string[] {
  return [
    "create", "--rm", "--name", r.name,
    "--network", "none",
    "--user", `${r.uid}:${r.gid}`,
    "--read-only", "--tmpfs", "/tmp:rw,exec,size=2g",
    "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
    "-v", `${r.src}:${MOUNTS.src}:ro`,
    "-v", `${r.wit}:${MOUNTS.wit}:ro`,
    "-v", `${r.out}:${MOUNTS.out}`,
    "-v", `${r.cache}:${MOUNTS.cache}`,
    ...(r.modCache ? ["-v", `${r.modCache}:${MOUNTS.modCache}:ro`, "-e", `GOMODCACHE=${MOUNTS.modCache}`] : []),
    "-e", "GOFLAGS=-mod=readonly", "-e", "GOPROXY=off",
    "-w", MOUNTS.src,
    r.image,
    "tinygo", ...tinygoBuildArgs(r.world, MOUNTS.wit, `${MOUNTS.out}/${COMPONENT_FILE}`, r.scheduler),
  ];
}
