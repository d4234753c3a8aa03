import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RuntimeFailure, UsageError } from "../errors.js";
import { cacheDir } from "../paths.js";
import { processAlive } from "../process-alive.js";
import { removeLeftovers } from "./network.js";

/** What `lattice up --sites` records for `lattice link` and for whoever looks for it. */
export interface SitesRecord {
  pid: number;
  subnet: number;
  lattice: string;
  sites: Array<{ name: string; tier: string; hub: boolean; natsUrl: string; jsDomain: string; address: string; linkApi?: string }>;
  registryUrl: string;
}

const SUBNETS = 250;
const recordsDir = () => join(cacheDir(), "lattices");
const recordFile = (subnet: number) => join(recordsDir(), `${subnet}.json`);

/**
 * Claims a subnet for this process: creating its record file exclusively is the lock, so two
 * lattices starting at once never share one. A record whose process is gone is cleared, with
 * whatever network that lattice left behind, and its subnet taken.
 */
export async function claimSubnet(): Promise<number> {
  mkdirSync(recordsDir(), { recursive: true });
  for (let n = 1; n <= SUBNETS; n++) {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(recordFile(n), JSON.stringify({ pid: process.pid, subnet: n }), { flag: "wx" });
        return n;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new RuntimeFailure(`cannot write ${recordFile(n)}: ${(err as Error).message}`);
        if (readRecord(n) !== undefined) break;
        await removeLeftovers(n);
        rmSync(recordFile(n), { force: true });
      }
    }
  }
  throw new RuntimeFailure(`all ${SUBNETS} dev-lattice subnets (10.213.1-${SUBNETS}.0/24) are in use`);
}

export function writeRecord(r: SitesRecord): void {
  writeFileSync(recordFile(r.subnet), JSON.stringify(r, null, 2));
}

export function releaseSubnet(subnet: number): void {
  rmSync(recordFile(subnet), { force: true });
}

/** The record of subnet `n` if its lattice still runs. */
function readRecord(n: number): SitesRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordFile(n), "utf8")) as SitesRecord;
    return processAlive(r.pid) ? r : undefined;
  } catch {
    return undefined;
  }
}

/** The running dev lattice with sites: the only one, or the one named `lattice`. */
export function findSitesLattice(lattice?: string): SitesRecord {
  let names: string[] = [];
  try {
    names = readdirSync(recordsDir());
  } catch {
    /* no lattice ever ran here */
  }
  const running = names.map((f) => readRecord(Number(f.replace(/\.json$/, "")))).filter((r): r is SitesRecord => r?.sites !== undefined);
  const matching = lattice ? running.filter((r) => r.lattice === lattice) : running;
  if (matching.length === 1) return matching[0]!;
  if (matching.length === 0) throw new UsageError(`no dev lattice with sites is running${lattice ? ` with lattice name "${lattice}"` : ""}: start one with \`pelatod lattice up --sites cloud,edge-1\``);
  throw new UsageError(`${matching.length} dev lattices with sites are running (${matching.map((r) => r.lattice).join(", ")}): say which with --lattice`);
}
