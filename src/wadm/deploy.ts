import type { NatsConnection } from "@nats-io/nats-core";
import type { WadmClient } from "./client.js";
import { failedGraceMs, planDeploy, settled, type DeployStep } from "./plan.js";
import type { Manifest, ModelSummary, StatusInfo } from "./types.js";

export interface DeployOutcome {
  name: string;
  version: string;
  step: DeployStep["kind"];
}

/** Puts and deploys each manifest that wadm does not already run at this exact version. */
export async function deployManifests(wadm: WadmClient, manifests: Manifest[], onStep?: (o: DeployOutcome) => void): Promise<DeployOutcome[]> {
  const models = new Map((await wadm.list()).map((m) => [m.name, m]));
  return Promise.all(
    manifests.map(async (m) => {
      const name = m.metadata.name;
      const version = m.metadata.annotations.version!;
      const model = models.get(name);
      if (model?.deployed_version === version) return report({ name, version, step: "unchanged" });
      const step = planDeploy(version, model ? await wadm.versions(name) : [], model?.deployed_version);
      if (step.kind === "put-and-deploy") await wadm.put(m);
      if (step.kind !== "unchanged") await wadm.deploy(name, version);
      return report({ name, version, step: step.kind });
    }),
  );
  function report(o: DeployOutcome): DeployOutcome {
    onStep?.(o);
    return o;
  }
}

export interface WaitResult {
  name: string;
  outcome: "deployed" | "failed" | "timed-out";
  status: StatusInfo;
}

/**
 * Waits until wadm reports each application deployed or failed, or the time runs out.
 * Listens to wadm's status updates and asks for the status now and then, so a missed
 * update never leaves it waiting.
 */
/** wadm reports "failed" for a moment while its view of new hosts catches up; failed counts once it lasts this long. */
export const FAILED_GRACE_MS = 15_000;

export async function waitForApplications(wadm: WadmClient, names: string[], timeoutMs: number, onStatus?: (name: string, s: StatusInfo) => void, graceMs = FAILED_GRACE_MS): Promise<WaitResult[]> {
  const nc: NatsConnection = wadm.nc;
  const deadline = Date.now() + timeoutMs;
  const sub = nc.subscribe(wadm.subjects.statusUpdates());
  const nudge = { wake: () => {} };
  void (async () => {
    for await (const _update of sub) nudge.wake();
  })();
  try {
    const pending = new Set(names);
    const results = new Map<string, WaitResult>();
    const failingSince = new Map<string, number>();
    while (pending.size > 0) {
      const models = new Map((await wadm.list()).map((m) => [m.name, m]));
      for (const name of [...pending]) {
        const status = currentStatus(models.get(name));
        onStatus?.(name, status);
        let done = settled(status.type);
        if (done === "failed") {
          if (!failingSince.has(name)) failingSince.set(name, Date.now());
          if (Date.now() - failingSince.get(name)! < failedGraceMs(status.message, graceMs) && Date.now() < deadline) done = undefined;
        } else failingSince.delete(name);
        if (done) {
          results.set(name, { name, outcome: done, status });
          pending.delete(name);
        } else if (Date.now() >= deadline) {
          results.set(name, { name, outcome: "timed-out", status });
          pending.delete(name);
        }
      }
      if (pending.size === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now())));
        nudge.wake = () => (clearTimeout(timer), resolve());
      });
    }
    return names.map((n) => results.get(n)!);
  } finally {
    sub.unsubscribe();
  }
}

/** wadm's detailed status says what it is doing; the coarse one stays "undeployed" while it waits. */
export function currentStatus(model: ModelSummary | undefined): StatusInfo {
  if (!model) return { type: "undeployed", message: "wadm has no such application" };
  return model.detailed_status?.status ?? { type: model.status, ...(model.status_message ? { message: model.status_message } : {}) };
}

/** Undeploys and deletes the named applications; returns the ones wadm had. */
export async function removeApplications(wadm: WadmClient, names: string[]): Promise<string[]> {
  const removed: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      if ((await wadm.versions(name)).length === 0) return;
      await wadm.undeploy(name);
      await wadm.delete(name);
      removed.push(name);
    }),
  );
  return removed.sort();
}

/** Applications wadm holds that this project deployed (by the project annotation). */
export async function projectApplications(wadm: WadmClient, project: string, annotation: string): Promise<string[]> {
  const names: string[] = [];
  for (const model of await wadm.list()) {
    const manifest = await wadm.get(model.name).catch(() => undefined);
    if (manifest?.metadata.annotations?.[annotation] === project) names.push(model.name);
  }
  return names.sort();
}
