import { Command } from "commander";
import { appendRunLog } from "../../metrics/run-log.js";
import { pushComponents, type PushEvent, type PushItem, type PushReport } from "../../oci/index.js";
import { outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import type { Output } from "../output.js";
import { genAndBuild, round, type Built, type ToolchainChoice } from "../pipeline.js";
import { toolchainOption } from "./build.js";

export function pushCommand(): Command {
  return withCommonOptions(
    new Command("push").description("gen and build, then publish each component as a Wasm OCI artifact: to REGISTRY_URL, or without one to <project>/.pelato/oci (an OCI image layout)"),
  )
    .addOption(toolchainOption())
    .action(async (dir: string, opts: CommonOptions & { toolchain: ToolchainChoice }) => {
      const out = outputFor(opts);
      const built = await genAndBuild(dir, opts, out);
      const report = await pushBuilt(built, out);
      out.result(report, pushSummary(report));
    });
}

/** The push half of push and brush: every built component, with progress; logs the run when metrics are on. */
export async function pushBuilt(built: Built, out: Output, command = "push"): Promise<PushReport> {
  const t0 = performance.now();
  const report = await pushComponents(pushItems(built), { registry: built.config.registry, projectDir: built.project.dir, onEvent: (e) => progress(out, e) });
  if (built.config.enableMetrics) {
    const pushed = report.tasks.filter((t) => !t.skipped);
    const push = { push_time: round((performance.now() - t0) / 1000), pushed: pushed.length, skipped: report.tasks.length - pushed.length, blobs_uploaded: pushed.reduce((n, t) => n + t.blobsUploaded, 0) };
    appendRunLog(built.project.dir, { command, project: built.project.name, started_at: built.started.toISOString(), stages: { ...built.stages, push } });
  }
  return report;
}

/** Each built component under its task's version: the tag the rendered wadm manifests reference. */
export function pushItems(built: Pick<Built, "rendered" | "results">): PushItem[] {
  const tasks = new Map(built.rendered.tasks.map((t) => [t.dir, t]));
  return built.results.map((r) => ({ component: r.component, wasm: r.wasm, digest: r.digest, tag: tasks.get(r.component)!.task.version }));
}

export function pushSummary(r: PushReport): string {
  const pushed = r.tasks.filter((t) => !t.skipped).length;
  const blobs = r.tasks.reduce((n, t) => n + t.blobsUploaded, 0);
  const where = r.destination === "registry" ? `registry ${r.location}` : `OCI layout ${r.location} (no REGISTRY_URL set)`;
  return `${where}: pushed ${pushed}, up to date ${r.tasks.length - pushed}, ${blobs} blob${blobs === 1 ? "" : "s"} uploaded\n${r.tasks.map((t) => `  ${t.ref} ${t.manifestDigest}`).join("\n")}`;
}

function progress(out: Output, e: PushEvent): void {
  const c = out.color;
  if (e.type === "start") out.progress(`${c.cyan("pushing")}  ${e.ref}`);
  else if (e.type === "retry") out.progress(c.yellow(`  retry ${e.attempt}: ${e.method} ${e.path} (${e.reason}), waiting ${e.delayMs} ms`));
  else if (e.result.skipped) out.progress(`${c.green("current")}  ${e.result.ref} ${c.dim("(already in the registry)")}`);
  else out.progress(`${c.green("pushed")}   ${e.result.ref} ${c.dim(`${e.result.blobsUploaded} blob(s), ${(e.result.bytesUploaded / 1024).toFixed(0)} KiB, ${e.result.seconds.toFixed(1)} s`)}`);
}
