import type { AppPlan, DeployedApp, DesiredApp, Plan } from "../types.js";

// Strategy: compare each task's content version with what is deployed. Equal versions need
// nothing (the version hashes the sources and the manifest, image included). Otherwise the
// build input decides the build, the image decides the push, and the deploy always follows.
// Deployed applications no task wants any more are removed. No I/O: the shell executes plans.

export interface PlanInput {
  desired: readonly DesiredApp[];
  deployed: Readonly<Record<string, DeployedApp>>;
  /** Whether hosts pull images from a registry (a lattice) rather than taking the bytes (the local host). */
  push: boolean;
  /** Build inputs known not to compile, by application: blocked until the sources change. */
  failed?: Readonly<Record<string, string>>;
}

/** The minimal plan that brings what is deployed in step with what is desired. */
export function planRedeploy(input: PlanInput): Plan {
  const wanted = new Set(input.desired.map((d) => d.name));
  const apps = input.desired.map((d) => planApp(d, input.deployed[d.name], input));
  for (const name of Object.keys(input.deployed)) {
    if (!wanted.has(name)) apps.push({ name, action: "remove", build: false, push: false, deploy: false, reason: "no task has this component any more" });
  }
  return { apps: apps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

function planApp(d: DesiredApp, current: DeployedApp | undefined, input: PlanInput): AppPlan {
  const none = { build: false, push: false, deploy: false };
  if (current?.version === d.version) return { name: d.name, action: "unchanged", ...none, reason: "deployed at this version" };
  if (input.failed?.[d.name] === d.sourceDigest) return { name: d.name, action: "blocked", ...none, reason: `${d.codePath} does not compile; waiting for a change` };
  const build = current === undefined || current.sourceDigest !== d.sourceDigest;
  const push = input.push && (build || current.image !== d.image);
  const reason = current === undefined ? "new task" : build ? "sources changed" : push ? "image changed" : "manifest changed";
  return { name: d.name, action: current === undefined ? "add" : "update", build, push, deploy: true, reason };
}

/** Whether executing the plan would change anything. */
export function isNoop(plan: Plan): boolean {
  return plan.apps.every((a) => a.action === "unchanged" || a.action === "blocked");
}

/** Names per step, for reports and metrics. */
export function planSummary(plan: Plan): { build: string[]; push: string[]; deploy: string[]; remove: string[]; blocked: string[] } {
  const pick = (f: (a: AppPlan) => boolean) => plan.apps.filter(f).map((a) => a.name);
  return { build: pick((a) => a.build), push: pick((a) => a.push), deploy: pick((a) => a.deploy), remove: pick((a) => a.action === "remove"), blocked: pick((a) => a.action === "blocked") };
}
