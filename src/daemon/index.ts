// The daemon: `pelatod watch` and `pelatod serve`. A pure planner (plan.ts, reconcile.ts) and a
// thin shell (cycle.ts executes one plan, runner.ts orders cycles, daemon.ts wires the rest).
// embedded.ts and targets/local.ts (the local host, heavy) are loaded on use: startEmbedded below.
export { planRedeploy, isNoop, planSummary, type PlanInput } from "./plan/plan.js";
export { reconcile } from "./plan/reconcile.js";
export { desiredApps } from "./plan/desired.js";
export { readState, writeState, writeFileAtomic, emptyState, withApp, STATE_FILE } from "./state.js";
export { startDaemon, type Daemon, type DaemonOptions } from "./daemon.js";
export { Runner, RETRY_MIN_MS, RETRY_MAX_MS, type CycleReport } from "./runner.js";
export { verifyRequest, signedBytes, ReplayGuard, KEY_HEADER, SIGNATURE_HEADER, type AuthPolicy, type Verdict } from "./service/auth.js";
export { takeToken, RateLimiter, SampledLog, type RatePolicy, type Bucket } from "./service/rate-limit.js";
export { signRequest, callService, serviceSubject, type ServiceReply } from "./service/request.js";
export { startService, SERVICE_NAME, ENDPOINTS, type Endpoint } from "./service/service.js";
export { DaemonMetrics } from "./metrics.js";
export { Coalescer } from "./debounce.js";
export { watchProject, WATCHED, type ProjectWatcher } from "./watcher.js";
export { formatEvent } from "./format.js";
export type * from "./types.js";

/** The embedded default (a local nats-server and component host), loaded only when it is started. */
export async function startEmbedded(...args: Parameters<typeof import("./embedded.js").startEmbedded>): ReturnType<typeof import("./embedded.js").startEmbedded> {
  return (await import("./embedded.js")).startEmbedded(...args);
}
