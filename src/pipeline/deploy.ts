import type { RegistrySettings } from "../config/index.js";
import { InputError, RuntimeFailure } from "../errors.js";
import { imageRef, type Manifest, type RenderedProject, type RenderedTask } from "../render/index.js";
import { postgresProviderImage } from "../postgres-provider.js";
import { postgresTasks } from "./sinks.js";
import { deployManifests, pinManifest, waitForApplications, type DeployOutcome, type StatusInfo, type WadmClient, type WaitResult } from "../wadm/index.js";

/**
 * Hosts pull components from the registry: refuse to deploy unless it holds, under each
 * manifest's image, the component built from the current sources. Returns image → digest.
 */
export async function requireImages(rendered: RenderedProject, genDir: string, registry: RegistrySettings): Promise<Map<string, string>> {
  if (!registry.configured) {
    throw new InputError([{ file: "environment", message: "REGISTRY_URL: deploying to a lattice needs the registry its hosts pull from; set REGISTRY_URL (or --registry) and run pelatod push, or run the project locally with pelatod up" }]);
  }
  const { readBuildRecord } = await import("../build/index.js");
  const { imageProblems } = await import("../oci/index.js");
  const problems: string[] = [];
  const expected = rendered.tasks.flatMap((t) => {
    const record = readBuildRecord(genDir, t.dir);
    if (record?.sourceDigest === t.sourceDigest) return [{ image: imageRef(registry.url, t.task), component: record.digest }];
    problems.push(`${t.task.codePath}: changed since it was last built`);
    return [];
  });
  // The provider of the postgres tasks: any build of this version will do (push puts it there).
  const provider = postgresTasks(rendered.project).length > 0 ? [{ image: postgresProviderImage(registry.url) }] : [];
  const checked = await imageProblems([...expected, ...provider], registry);
  problems.push(...checked.problems);
  if (problems.length > 0) throw new RuntimeFailure(`nothing deployed:\n  ${problems.join("\n  ")}\n(pelatod brush builds, pushes and deploys in one go)`);
  return checked.digests;
}

/** Each task's manifest, its image pinned to the digest pushed (image → digest): hosts run exactly that build. */
export function pinnedManifests(tasks: readonly RenderedTask[], digests: ReadonlyMap<string, string>): Manifest[] {
  return tasks.map((t) => pinManifest(t.manifest, digests));
}

export interface DeployStageOptions {
  /** Wait until wadm reports every application deployed (or failed), at most this long; undefined: do not wait. */
  waitMs?: number;
  onStep?: (s: DeployOutcome) => void;
  onStatus?: (app: string, s: StatusInfo) => void;
}

/** Puts and deploys what changed, then waits; throws naming each application not deployed in time. */
export async function deployAndWait(wadm: WadmClient, manifests: Manifest[], o: DeployStageOptions = {}): Promise<{ steps: DeployOutcome[]; waited: boolean; status?: WaitResult[] }> {
  const steps = await deployManifests(wadm, manifests, o.onStep);
  if (o.waitMs === undefined) return { steps, waited: false };
  const results = await waitForApplications(wadm, steps.map((s) => s.name), o.waitMs, o.onStatus);
  const bad = results.filter((r) => r.outcome !== "deployed");
  if (bad.length > 0) {
    throw new RuntimeFailure(bad.map((r) => `${r.name}: ${r.outcome === "failed" ? "failed" : `not deployed after ${o.waitMs! / 1000} s`} (${r.status.type}${r.status.message ? `: ${r.status.message}` : ""})`).join("\n"));
  }
  return { steps, waited: true, status: results };
}
