import type { NatsConnection } from "@nats-io/nats-core";
import type { Manifest } from "../../wadm/index.js";
import type { RunningApp } from "../types.js";

/** One application to deploy: its manifest and, for the local host, the component's bytes. */
export interface DeployItem {
  name: string;
  version: string;
  manifest: Manifest;
  /** Path of the built component. */
  wasm: string;
  digest: string;
}

export interface DeployOutcome {
  /** What the target did: "started", "swapped", "put-and-deploy", "deploy", "unchanged". */
  step: string;
  /** Time the running application took to change over, in ms (the local host's swap). */
  swapMs: number;
}

/** Where applications run: the embedded local host, or a lattice through wadm. */
export interface DeployTarget {
  /** "local" or "lattice:<name>": the state file is kept per target. */
  readonly id: string;
  /** Hosts pull images from a registry: plans push before they deploy. */
  readonly pushes: boolean;
  /** Components run in this process's local host: builds also prepare them for it (jco transpile). */
  readonly runsHere: boolean;
  /** The connection the service and the status checks use. */
  readonly nc: NatsConnection;
  /** What runs now, for `names` (and, with `discover`, anything else of `project`). */
  running(names: string[], discover?: string): Promise<RunningApp[]>;
  deploy(item: DeployItem): Promise<DeployOutcome>;
  remove(name: string): Promise<void>;
  /** Whether the target can be reached now. */
  healthy(): boolean;
  close(): Promise<void>;
}
