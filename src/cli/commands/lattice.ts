import { Command, Option } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { outputFor } from "../context.js";
import type { Output } from "../output.js";
import { resolveConfig } from "../../config/index.js";
import { UsageError } from "../../errors.js";
import { portAvailable } from "../../free-port.js";
import { formatSites, hubOf, parseSites, type Site } from "../../sites.js";
import { crossingTopics, crossingTopicsByTier, loadProject, WORKFLOW_FILE } from "../../workflow/index.js";
import { wholeNumberOption } from "../numeric-option.js";

interface LatticeFlags {
  hosts: string;
  sites?: string;
  project?: string;
  natsPort?: number;
  registryPort?: number;
  heartbeat?: number;
  cleanup?: number;
  lattice?: string;
  json?: boolean;
}

export function latticeCommand(): Command {
  const lattice = new Command("lattice").description("a real wasmCloud lattice on this machine, for trying pelatod against wadm and wasmCloud hosts");
  const up = lattice
    .command("up")
    .description("start NATS (JetStream), wadm, an OCI registry and wasmCloud hosts, on loopback or as sites joined by leaf nodes; Ctrl-C stops them all")
    .addOption(new Option("--hosts <labels>", "host-type label of each host, comma-separated").default("edge,cloud"))
    .addOption(new Option("--sites <sites>", "sites NAME[:TIER], comma-separated (e.g. cloud,edge-1,edge-2): a NATS server and a host each, the leaves joined to the hub through a link `lattice link` controls; needs root"))
    .addOption(new Option("--project <dir>", "with --sites: the project whose crossing topics the leaf links carry only through JetStream (default: the current folder, if it has a workflow.yaml)"))
    .addOption(wholeNumberOption("--nats-port <port>", "NATS port (default: a free one)", 1, 65_535))
    .addOption(wholeNumberOption("--registry-port <port>", "registry port (default: a free one)", 1, 65_535))
    .addOption(wholeNumberOption("--heartbeat <seconds>", "host heartbeat interval (wasmCloud's default: 30)", 1, 3600))
    .addOption(wholeNumberOption("--cleanup <seconds>", "wadm's cleanup interval for silent hosts (wadm's default: 70)", 1, 86_400))
    .addOption(new Option("--lattice <name>", "lattice name (PELATO_LATTICE)"))
    .option("--json", "print where things listen as one JSON document");
  up.action(async (opts: LatticeFlags) => {
    const out = outputFor(opts);
    const config = resolveConfig(process.cwd(), { ...(opts.lattice ? { lattice: opts.lattice } : {}) });
    // Handled from the start: Ctrl-C while the sites come up stops what has started (and
    // removes the namespaces) instead of leaving it; a second Ctrl-C does not cut that short.
    const abort = new AbortController();
    let running: { stop(): Promise<void> } | undefined;
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      out.progress("stopping the lattice…");
      abort.abort();
      if (!running) return; // still starting: the start stops what it started (below)
      await running.stop();
      process.exit(0);
    };
    process.on("SIGINT", () => void stop());
    process.on("SIGTERM", () => void stop());
    try {
      running = opts.sites !== undefined ? await upSites(opts, up, config.lattice, out, abort.signal) : await upOneSite(opts, config.lattice, out);
    } catch (err) {
      if (abort.signal.aborted) process.exit(130);
      throw err;
    }
    if (stopping) {
      await running.stop();
      process.exit(130);
    }
    await new Promise(() => {});
  });
  lattice
    .command("link")
    .description("cut, restore, slow down or break a leaf site's link to the hub (of the running `lattice up --sites`)")
    .argument("<site>", "a leaf site, e.g. edge-1")
    .argument("<action>", "down | up | latency <ms> | reset-peer <percent>")
    .argument("[value]", "milliseconds for latency, a percentage for reset-peer (0 removes it)")
    .addOption(new Option("--lattice <name>", "which running lattice, when several are"))
    .option("--json", "print one machine-readable JSON document")
    .action(async (siteName: string, action: string, value: string | undefined, opts: { lattice?: string; json?: boolean }) => {
      const out = outputFor(opts);
      const { applyLinkAction, findSitesLattice, parseLinkAction } = await import("../../lattice/index.js");
      const parsed = parseLinkAction(action, value);
      const record = findSitesLattice(opts.lattice);
      const site = record.sites.find((s) => s.name === siteName);
      if (!site) throw new UsageError(`lattice link: no site "${siteName}" in lattice ${record.lattice} (sites: ${record.sites.map((s) => s.name).join(", ")})`);
      if (!site.linkApi) throw new UsageError(`lattice link: ${siteName} is the hub; its leaves' links are the ones to cut (${record.sites.filter((s) => !s.hub).map((s) => s.name).join(", ")})`);
      await applyLinkAction(site.linkApi, parsed);
      const said = parsed.kind === "latency" ? `latency ${parsed.ms} ms` : parsed.kind === "reset-peer" ? `${parsed.percent} % of connections reset` : parsed.kind;
      out.result({ site: siteName, ...parsed }, `${siteName}'s link: ${said}`);
    });
  return lattice;
}

async function upOneSite(opts: LatticeFlags, latticeName: string, out: Output) {
  for (const [flag, port] of [["--nats-port", opts.natsPort], ["--registry-port", opts.registryPort]] as const) {
    if (port !== undefined) await portAvailable(port).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`${flag} ${port}: ${err.code === "EADDRINUSE" ? "already in use" : err.message}; nothing was started`);
    });
  }
  const { startLattice } = await import("../../lattice/index.js");
  const running = await startLattice({
    hosts: opts.hosts.split(",").map((h) => h.trim()).filter(Boolean),
    lattice: latticeName,
    ...(opts.natsPort ? { natsPort: opts.natsPort } : {}),
    ...(opts.registryPort ? { registryPort: opts.registryPort } : {}),
    ...(opts.heartbeat ? { heartbeatSeconds: opts.heartbeat } : {}),
    ...(opts.cleanup ? { cleanupSeconds: opts.cleanup } : {}),
    onProgress: (l) => out.progress(out.color.dim(l)),
  });
  const env = { NATS_URL: running.natsUrl, PELATO_PROVIDER_NATS_URL: running.natsUrl, REGISTRY_URL: running.registry, PELATO_PROVIDERS: "builtin", PELATO_LATTICE: running.lattice };
  out.result(
    { ...env, hosts: running.hosts.map((h) => ({ label: h.label, id: h.id, pid: h.service.pid })), logs: running.dir },
    [
      `${out.color.green("lattice up")}: ${running.lattice}`,
      `  NATS      ${running.natsUrl}`,
      `  registry  ${running.registry} (plain http)`,
      ...running.hosts.map((h) => `  host      ${h.label} ${out.color.dim(h.id)}`),
      `  logs      ${running.dir}`,
      "use it from another shell:",
      `  export ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`,
      "  pelatod brush <project>",
      "Ctrl-C stops everything",
    ].join("\n"),
  );
  return running;
}

async function upSites(opts: LatticeFlags, cmd: Command, latticeName: string, out: Output, signal: AbortSignal) {
  const sites = parseSites(opts.sites!);
  for (const flag of ["hosts", "natsPort", "registryPort"]) {
    if (cmd.getOptionValueSource(flag) === "cli") throw new UsageError(`--sites gives every site its own NATS server, host and ports; --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply`);
  }
  const deny = await crossingTopicsOf(opts.project, sites);
  const { startSitesLattice } = await import("../../lattice/index.js");
  const running = await startSitesLattice({
    sites,
    lattice: latticeName,
    deny,
    signal,
    ...(opts.heartbeat ? { heartbeatSeconds: opts.heartbeat } : {}),
    ...(opts.cleanup ? { cleanupSeconds: opts.cleanup } : {}),
    onProgress: (l) => out.progress(out.color.dim(l)),
  });
  const hub = running.sites.find((s) => s.site.hub)!;
  const registryUrl = `http://${running.registry}`;
  // No PELATO_PROVIDER_NATS_URL: each site's providers use the default 127.0.0.1:4222, their own site's server.
  const env = { NATS_URL: hub.natsUrl, REGISTRY_URL: registryUrl, PELATO_PROVIDERS: "builtin", PELATO_LATTICE: running.lattice, PELATO_SITES: formatSites(sites) };
  const doc = {
    sites: running.sites.map((s) => ({ name: s.site.name, tier: s.site.tier, hub: s.site.hub, natsUrl: s.natsUrl, jsDomain: s.site.jsDomain, address: s.address, hostId: s.host.id })),
    registryUrl,
    crossingTopics: Object.fromEntries(deny),
    export: env,
    logs: running.dir,
  };
  out.result(doc, [
    `${out.color.green("lattice up")}: ${running.lattice}, ${sites.length} sites`,
    ...running.sites.map((s) => `  ${s.site.name.padEnd(10)} ${s.site.tier.padEnd(6)} ${s.site.hub ? "hub " : "leaf"} ${s.natsUrl}  HTTP producers at http://${s.address}:<PELATO_HTTP_PORT>`),
    `  registry   ${running.registry} (plain http)`,
    `  crossing   ${deny.size > 0 ? `${[...deny].map(([tier, topics]) => `${topics.join(", ")} from ${tier}`).join("; ")} (only through JetStream on those leaves' links)` : "no topics (no --project with a workflow.yaml)"}`,
    `  logs       ${running.dir}`,
    "use it from another shell:",
    `  export ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`,
    "  pelatod brush <project>",
    "  pelatod lattice link edge-1 down|up|latency <ms>|reset-peer <percent>",
    "Ctrl-C stops everything",
  ].join("\n"));
  return running;
}

/** Per leaf tier, the project's crossing topics, after checking its targets name the sites' tiers. */
async function crossingTopicsOf(projectDir: string | undefined, sites: Site[]): Promise<Map<string, string[]>> {
  const dir = projectDir ?? (existsSync(join(process.cwd(), WORKFLOW_FILE)) ? process.cwd() : undefined);
  if (dir === undefined) return new Map();
  const project = await loadProject(dir, { tiers: sites.map((s) => s.tier) });
  return crossingTopicsByTier(crossingTopics(project, hubOf(sites).tier));
}
