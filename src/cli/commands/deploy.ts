import { Command } from "commander";
import type { ResolvedConfig } from "../../config/index.js";
import { InputError, RuntimeFailure } from "../../errors.js";
import { imageRef, renderOptionsFrom, renderProject, writeGen, type RenderedProject } from "../../render/index.js";
import { deployManifests, pinManifest, waitForApplications, type Manifest, type WaitResult } from "../../wadm/index.js";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import type { Output } from "../output.js";
import { wholeNumberOption } from "../numeric-option.js";

export type DeployFlags = CommonOptions & { wait: boolean; waitTimeout: string };

export function withDeployOptions(cmd: Command): Command {
  return cmd.option("--no-wait", "return once wadm has accepted the deploy requests").addOption(wholeNumberOption("--wait-timeout <seconds>", "how long to wait for deployed", 1, 86_400).default(120));
}

export function deployCommand(): Command {
  return withDeployOptions(withNatsOptions(withCommonOptions(new Command("deploy").description("publish each task's application to wadm over NATS (its images must be in the registry) and wait until it is deployed"))))
    .action(async (dir: string, opts: DeployFlags) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts);
      const rendered = await renderProject(project, renderOptionsFrom(config));
      const genDir = writeGen(rendered);
      const digests = await requireImages(rendered, genDir, config);
      const manifests = rendered.tasks.map((t) => pinManifest(t.manifest, digests));
      const result = await withWadm(config, (wadm) => deployAndWait(wadm, manifests, opts, out));
      const text = result.steps.map((s) => `  ${s.name} ${out.color.dim(s.version)} ${s.step === "unchanged" ? "unchanged" : "deployed"}`).join("\n");
      out.result(result, `${config.lattice}: ${result.steps.filter((s) => s.step !== "unchanged").length} of ${result.steps.length} applications sent\n${text}`);
    });
}

/**
 * Hosts pull components from the registry: refuse to deploy unless it holds, under each
 * manifest's image, the component built from the current sources.
 */
export async function requireImages(rendered: RenderedProject, genDir: string, config: ResolvedConfig): Promise<Map<string, string>> {
  if (!config.registry.configured) {
    throw new InputError([{ file: "environment", message: "REGISTRY_URL: deploying to a lattice needs the registry its hosts pull from; set REGISTRY_URL (or --registry) and run pelatod push, or run the project locally with pelatod up" }]);
  }
  const { readBuildRecord } = await import("../../build/index.js");
  const { imageProblems } = await import("../../oci/index.js");
  const problems: string[] = [];
  const expected = rendered.tasks.flatMap((t) => {
    const record = readBuildRecord(genDir, t.dir);
    if (record?.sourceDigest === t.sourceDigest) return [{ image: imageRef(config.registry.url, t.task), component: record.digest }];
    problems.push(`${t.task.codePath}: changed since it was last built`);
    return [];
  });
  const checked = await imageProblems(expected, config.registry);
  problems.push(...checked.problems);
  if (problems.length > 0) throw new RuntimeFailure(`nothing deployed:\n  ${problems.join("\n  ")}\n(pelatod brush builds, pushes and deploys in one go)`);
  return checked.digests;
}

export async function deployAndWait(wadm: Parameters<typeof deployManifests>[0], manifests: Manifest[], opts: { wait: boolean; waitTimeout: string }, out: Output) {
  const steps = await deployManifests(wadm, manifests, (s) => out.progress(`${s.step === "unchanged" ? out.color.dim("unchanged") : out.color.cyan("deploying")} ${s.name} ${out.color.dim(s.version)}`));
  if (!opts.wait) return { steps, waited: false };
  const seconds = Number(opts.waitTimeout);
  const last = new Map<string, string>();
  const results = await waitForApplications(wadm, steps.map((s) => s.name), seconds * 1000, (name, s) => {
    const line = `${s.type}${s.message ? `: ${s.message}` : ""}`;
    if (last.get(name) !== line) out.progress(`  ${name}: ${line}`);
    last.set(name, line);
  });
  throwIfNotDeployed(results, seconds);
  return { steps, waited: true, status: results };
}

function throwIfNotDeployed(results: WaitResult[], seconds: number): void {
  const bad = results.filter((r) => r.outcome !== "deployed");
  if (bad.length === 0) return;
  const why = bad.map((r) => `${r.name}: ${r.outcome === "failed" ? "failed" : `not deployed after ${seconds} s`} (${r.status.type}${r.status.message ? `: ${r.status.message}` : ""})`);
  throw new RuntimeFailure(why.join("\n"));
}
