import type { RegistrySettings } from "../../config/index.js";
import type { ToolchainChoice } from "../../config/index.js";
import type { Diagnostic } from "../../errors.js";
import type { PushReport } from "../../oci/index.js";
import type { BuiltComponent, PushedTask } from "../../pipeline/index.js";
import type { RenderedProject } from "../../render/index.js";

/** Registry settings as they cross to the worker: the password as plain text, turned back into a Secret there. */
export type WireRegistry = Omit<RegistrySettings, "password"> & { password?: string };

export type ToWorker =
  /**
   * `forLocalHost`: also transpile each component for the local host, so that starting it costs no
   * transpile (and mainline Go skips pre-initialisation). `toolchain`, `container`: as the CLI's.
   */
  | { type: "build"; id: number; rendered: RenderedProject; genDir: string; parallel: number; forLocalHost: boolean; toolchain: ToolchainChoice; container: boolean }
  | { type: "push"; id: number; task: PushedTask; built: BuiltComponent; registry: WireRegistry; projectDir: string }
  | { type: "abort"; id: number };

/** A build result with its error flattened (classes do not survive structured clone). */
export type WireBuildResult =
  | { component: string; ok: true; wasm: string; digest: string; size: number; toolchain: string; seconds: number; cacheHit: boolean }
  | { component: string; ok: false; error: { message: string; diagnostics?: Diagnostic[] } };

export type FromWorker = { type: "built"; id: number; results: WireBuildResult[] } | { type: "pushed"; id: number; report: PushReport } | { type: "failed"; id: number; message: string };
