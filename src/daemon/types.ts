import type { Diagnostic } from "../errors.js";

/** One task as the project on disk wants it deployed. */
export interface DesiredApp {
  /** The component name: wadm application name and OCI repository. */
  name: string;
  /** RenderedTask.version: the deployable content (manifest and sources). */
  version: string;
  /** RenderedTask.sourceDigest: the build input. */
  sourceDigest: string;
  /** The image the manifest references; only where hosts pull from a registry (a lattice). */
  image?: string;
  /** The user's file, e.g. tasks/convert.go: where build errors point. */
  codePath: string;
}

/** One application as this daemon last deployed it, or as it was found running. */
export interface DeployedApp {
  version: string;
  /** "" when found running without a matching state record: the build input is unknown. */
  sourceDigest: string;
  /** "sha256:…" of the component; "" when unknown. */
  digest: string;
  image?: string;
  /** Registry digest of the image's manifest, as pushed: what a lattice manifest is pinned to. */
  imageDigest?: string;
  /** The version the target reports when it differs from `version` (a manifest pinned to digests). */
  targetVersion?: string;
}

/** An application the target runs (local host) or was asked to run (wadm's deployed version). */
export interface RunningApp {
  name: string;
  /** null: known to the target but not deployed (wadm after an undeploy). */
  version: string | null;
}

/** `.pelato/state.json`: what is deployed, by application name. */
export interface DaemonState {
  format: 1;
  /** "local", or "lattice:<name>": a state written for one target says nothing about another. */
  target: string;
  apps: Record<string, DeployedApp>;
}

export type AppAction = "add" | "update" | "remove" | "unchanged" | "blocked";

/** What one application needs. build ⊆ deploy and push ⊆ deploy; remove deploys nothing. */
export interface AppPlan {
  name: string;
  action: AppAction;
  /** The build input changed: compile (a cache hit when these sources were built before). */
  build: boolean;
  /** Hosts need an image they do not have yet: push before deploying. */
  push: boolean;
  deploy: boolean;
  reason: string;
}

export interface Plan {
  apps: AppPlan[];
}

/** Timings of one cycle, in milliseconds. */
export interface StageTimes {
  debounce: number;
  render: number;
  build: number;
  push: number;
  deploy: number;
  swap: number;
}

export type CycleOutcome = "noop" | "ok" | "partial" | "failed" | "invalid" | "superseded";

/** What the daemon reports, one event at a time (printed as JSON lines with --json). */
export type DaemonEvent =
  | { type: "ready"; target: string; apps: { name: string; version: string }[]; service?: string; metrics?: string }
  /** `seq` counts the batches of edits; a cycle event's `upToChange` is the last batch its plan saw. */
  | { type: "change"; seq: number; paths: string[] }
  | { type: "plan"; cycle: number; apps: AppPlan[] }
  | { type: "built"; app: string; cacheHit: boolean; seconds: number; toolchain: string; size: number }
  | { type: "build-failed"; app: string; message: string; diagnostics: Diagnostic[] }
  | { type: "pushed"; app: string; ref: string; skipped: boolean }
  | { type: "push-failed"; app: string; message: string }
  | { type: "deployed"; app: string; version: string; step: string }
  | { type: "deploy-failed"; app: string; message: string }
  | { type: "removed"; app: string }
  /** Sites only: the crossing topics' streams, set up (or found as they should be) before deploying. */
  | { type: "crossings"; topics: string[] }
  | { type: "crossings-failed"; message: string }
  /** The sinks' buckets, streams, consumers and database config could not be set up: their tasks are not deployed this cycle. */
  | { type: "sinks-failed"; message: string }
  /** Something the user should know about a sink before messages flow (a missing table). */
  | { type: "sink-warning"; message: string }
  /** Long work under way that is not a task's build: pelatod's PostgreSQL provider, built once per machine. */
  | { type: "progress"; message: string }
  | { type: "invalid"; message: string; diagnostics: Diagnostic[] }
  | { type: "cycle"; cycle: number; trigger: string; upToChange: number; outcome: CycleOutcome; ms: number; stages: StageTimes; compiled: number; cached: number; pushed: number; deployed: number; removed: number; retryInMs?: number }
  | { type: "nats"; status: string; detail?: string }
  /** `count`: refusals of this kind this line stands for (refusals are logged sampled). */
  | { type: "request"; endpoint: string; key?: string; outcome: "ok" | "refused" | "failed" | "duplicate"; reason?: string; count?: number }
  | { type: "error"; message: string };
