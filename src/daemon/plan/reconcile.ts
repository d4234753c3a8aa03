import type { DeployedApp, RunningApp } from "../types.js";

/**
 * What is deployed, from what actually runs: the state file only adds what the target cannot
 * say (build input, component digest, image), and only for the very version that runs (the
 * target's version: a lattice runs manifests pinned to image digests, with versions of their own). An
 * application the file remembers but the target does not run is not deployed; one that runs
 * at another version than the file says is kept with an unknown build input, so a plan
 * rebuilds it unless its version is already the desired one.
 */
export function reconcile(saved: Readonly<Record<string, DeployedApp>>, running: readonly RunningApp[]): Record<string, DeployedApp> {
  const out: Record<string, DeployedApp> = {};
  for (const r of running) {
    if (r.version === null) continue;
    const s = saved[r.name];
    out[r.name] = s !== undefined && (s.targetVersion ?? s.version) === r.version ? s : { version: r.version, sourceDigest: "", digest: "" };
  }
  return out;
}
