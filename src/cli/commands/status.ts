import { Command } from "commander";
import { PROJECT_ANNOTATION } from "../../render/index.js";
import { currentStatus, latticeInventory, placement, projectApplications, type WadmClient } from "../../wadm/index.js";
import { loadProjectAndConfig, outputFor, withCommonOptions, type CommonOptions } from "../context.js";
import { withNatsOptions, withWadm } from "../lattice.js";
import type { Output } from "../output.js";
import { sitesSection, type SitesSection } from "../sites-status.js";

export function statusCommand(): Command {
  return withNatsOptions(withCommonOptions(new Command("status").description("show this project's applications on the lattice: versions, status, components")))
    .option("--watch", "keep following wadm's status updates (Ctrl-C to stop)")
    .action(async (dir: string, opts: CommonOptions & { watch?: boolean }) => {
      const out = outputFor(opts);
      const { project, config } = await loadProjectAndConfig(dir, opts, out);
      await withWadm(config, async (wadm) => {
        const sitesNow = async () => (config.sites ? await sitesSection(wadm.nc, project, config.sites, config.lattice, config.nats.timeoutMs, config.nats.servers, out) : undefined);
        let names: string[];
        try {
          names = await projectApplications(wadm, project.name, PROJECT_ANNOTATION);
        } catch (err) {
          // At an edge site whose link is down, wadm (at the hub) cannot answer; what the site
          // itself knows is still worth showing.
          const sites = await sitesNow();
          if (!sites) throw err;
          out.result({ applications: null, wadm: { error: (err as Error).message }, ...sites.doc }, `${sites.text}\n${out.color.red(`wadm did not answer (${(err as Error).message}): applications unknown`)}`);
          process.exitCode = 1;
          return;
        }
        let last = await show(wadm, names, out, "", await sitesNow());
        if (!opts.watch) return;
        // wadm publishes status changes, but not all (none while it waits for hosts): look again
        // on each update and every few seconds, and print only when the picture changed.
        const sub = wadm.nc.subscribe(wadm.subjects.statusUpdates());
        const stop = () => sub.unsubscribe();
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
        const updates = sub[Symbol.asyncIterator]();
        let update = updates.next(); // one pending read at a time, however many ticks pass
        while (!sub.isClosed()) {
          const next = await Promise.race([update, new Promise<"tick">((r) => setTimeout(() => r("tick"), WATCH_POLL_MS))]);
          if (next !== "tick") {
            if (next.done) break;
            update = updates.next();
          }
          last = await show(wadm, await projectApplications(wadm, project.name, PROJECT_ANNOTATION), out, last, await sitesNow());
        }
      });
    });
}

const WATCH_POLL_MS = 3000;

/** Prints the project's applications unless the text equals `previous`; returns what it printed. */
async function show(wadm: WadmClient, names: string[], out: Output, previous: string, sites?: SitesSection): Promise<string> {
  const models = new Map((await wadm.list()).map((m) => [m.name, m]));
  const where = placement(await latticeInventory(wadm.nc, wadm.lattice));
  const apps = await Promise.all(
    names.map(async (name) => {
      const m = models.get(name);
      const detail = await wadm.status(name);
      const status = currentStatus(m);
      const components = (detail.components ?? []).map((c) => ({ name: c.name, status: c.status.type, ...(c.status.message ? { message: c.status.message } : {}) }));
      return { name, version: m?.version, deployed_version: m?.deployed_version ?? null, status: status.type, message: status.message ?? "", components, hosts: where.get(name) ?? [] };
    }),
  );
  const onHosts = (a: (typeof apps)[number]) => a.hosts.map((h) => `${h.hostType ?? "?"}:${h.host}`).join(",") || "-";
  const rows = [["APPLICATION", "VERSION", "DEPLOYED", "STATUS", "RUNS ON", "DETAIL"], ...apps.map((a) => [a.name, a.version ?? "", a.deployed_version ?? "-", a.status, onHosts(a), a.message])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
  const comps = apps.flatMap((a) => a.components.map((c) => `  ${a.name}/${c.name}: ${c.status}${c.message ? ` (${c.message})` : ""}`));
  const text = [...(sites ? [sites.text] : []), apps.length === 0 ? "nothing of this project is deployed" : [table, ...comps].join("\n")].join("\n");
  const shown = out.json ? JSON.stringify([apps, sites?.doc]) : text;
  if (shown !== previous) out.result({ applications: apps, ...(sites ? sites.doc : {}) }, text);
  return shown;
}
