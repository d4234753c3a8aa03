import { Command, Option } from "commander";
import { RuntimeFailure } from "../../errors.js";
import { renderProject, writeGen } from "../../render/index.js";
import { deployManifests, waitForApplications, type Manifest, type WaitResult } from "../../wadm/index.js";
import { loadProjectAndConfig, outputFor, renderOptionsFrom, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import type { Output } from "../output.js";

type DeployFlags = CommonOptions & { wait: boolean; waitTimeout: string };

export function deployCommand(): Command {
  return withNatsOptions(withCommonOptions(new Command("deploy").description("publish each task's application to wadm over NATS and wait until it is deployed")))
    .option("--no-wait", "return once wadm has accepted the deploy requests")
    .addOption(new Option("--wait-timeout <seconds>", "how long to wait for deployed").default("120"))
    .action(async (dir: string, opts: DeployFlags) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts);
      const rendered = await renderProject(project, renderOptionsFrom(config));
      writeGen(rendered);
      const manifests = rendered.tasks.map((t) => t.manifest as Manifest);
      const result = await withWadm(config, (wadm) => deployAndWait(wadm, manifests, opts, out));
      const text = result.steps.map((s) => `  ${s.name} ${out.color.dim(s.version)} ${s.step === "unchanged" ? "unchanged" : "deployed"}`).join("\n");
      out.result(result, `${config.lattice}: ${result.steps.filter((s) => s.step !== "unchanged").length} of ${result.steps.length} applications sent\n${text}`);
    });
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
