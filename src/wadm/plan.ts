import type { StatusType, VersionInfo } from "./types.js";


/** What to ask wadm for one application, decided from what it already has. */
export type DeployStep =
  | { kind: "unchanged" } // this version is stored and deployed: nothing to send
  | { kind: "deploy" } // stored but not deployed (an older one is, or none): deploy it
  | { kind: "put-and-deploy" }; // new content: store it as a new version, then deploy

/**
 * `stored` are the versions wadm keeps (a put of one of them is refused); `deployedVersion`
 * is the one wadm was last asked to deploy (list's deployed_version; null after undeploy).
 */
export function planDeploy(version: string, stored: readonly VersionInfo[], deployedVersion?: string | null): DeployStep {
  if (deployedVersion === version) return { kind: "unchanged" };
  if (stored.some((v) => v.version === version)) return { kind: "deploy" };
  return { kind: "put-and-deploy" };
}

/** Whether waiting for an application can stop, and how it ended. */
export function settled(status: StatusType): "deployed" | "failed" | undefined {
  if (status === "deployed") return "deployed";
  if (status === "failed") return "failed";
  return undefined;
}

/**
 * How long wadm may report an application failed before waiting for it gives up. Some failures
 * are wasmCloud's own races, which wadm gets past at its next look (after a host's heartbeat,
 * every 30 s by default): a provider started twice ("provider is already running with that ID"),
 * or a component read from a host's cache while another fetch of it was rewriting it ("unexpected
 * end-of-file", "bad magic number"). Seen when many applications are deployed at once.
 */
export function failedGraceMs(message: string | undefined, graceMs: number): number {
  return message && /already running with that ID|unexpected end-of-file|bad magic number/.test(message) ? Math.max(graceMs, RACE_GRACE_MS) : graceMs;
}

const RACE_GRACE_MS = 45_000;

