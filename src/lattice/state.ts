import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RuntimeFailure, UsageError } from "../errors.js";
import { processAlive } from "../process-alive.js";
import { removeLeftovers, subnetInUse } from "./network.js";

/** What `lattice up --sites` records for `lattice link` and for whoever looks for it. */
export interface SitesRecord {
  pid: number;
  subnet: number;
  lattice: string;
  sites: Array<{ name: string; tier: string; hub: boolean; natsUrl: string; jsDomain: string; address: string; linkApi?: string }>;
  registryUrl: string;
  logs: string;
}

const SUBNETS = 250;
const LOCK_WAIT_MS = 30_000;
/**
 * Machine-wide, as the namespaces and links are: not under $PELATO_CACHE, which differs per user.
 * PELATO_RUN_DIR moves it (tests).
 */
const recordsDir = () => process.env.PELATO_RUN_DIR ?? "/run/pelato/lattices";
const recordFile = (subnet: number) => join(recordsDir(), `${subnet}.json`);

/**
 * Claims a subnet for this process under a machine-wide lock: first clears what lattices that
 * died without stopping left (their record, namespaces and host link), then takes the first
 * subnet that no record, namespace, link or address of this machine uses.
 */
export async function claimSubnet(): Promise<number> {
  mkdirSync(recordsDir(), { recursive: true });
  return withLock(async () => {
    for (const n of recordedSubnets()) {
      const r = readRecord(n);
      if (r === "unreadable" || processAlive(r.pid)) continue;
      await removeLeftovers(n);
      rmSync(recordFile(n), { force: true });
    }
    const recorded = new Set(recordedSubnets());
    for (let n = 1; n <= SUBNETS; n++) {
      if (recorded.has(n) || (await subnetInUse(n))) continue;
      writeAtomic(recordFile(n), { pid: process.pid, subnet: n });
      return n;
    }
    throw new RuntimeFailure(`all ${SUBNETS} dev-lattice subnets (10.213.1-${SUBNETS}.0/24) are in use`);
  });
}

export function writeRecord(r: SitesRecord): void {
  writeAtomic(recordFile(r.subnet), r);
}

export function releaseSubnet(subnet: number): void {
  rmSync(recordFile(subnet), { force: true });
}

/** The running dev lattice with sites: the only one, or the one named `lattice`. */
export function findSitesLattice(lattice?: string): SitesRecord {
  const running = recordedSubnets()
    .map(readRecord)
    .filter((r): r is SitesRecord => r !== "unreadable" && r.sites !== undefined && processAlive(r.pid));
  const matching = lattice ? running.filter((r) => r.lattice === lattice) : running;
  if (matching.length === 1) return matching[0]!;
  if (matching.length === 0) throw new UsageError(`no dev lattice with sites is running${lattice ? ` with lattice name "${lattice}"` : ""}: start one with \`pelatod lattice up --sites cloud,edge-1\``);
  throw new UsageError(`${matching.length} dev lattices with sites are running (${matching.map((r) => r.lattice).join(", ")}): say which with --lattice`);
}

function recordedSubnets(): number[] {
  try {
    return readdirSync(recordsDir()).flatMap((f) => (/^\d+\.json$/.test(f) ? [Number(f.slice(0, -5))] : []));
  } catch {
    return [];
  }
}

/** A record that cannot be read is taken as in use: it is never removed on a guess. */
function readRecord(n: number): SitesRecord | "unreadable" {
  try {
    return JSON.parse(readFileSync(recordFile(n), "utf8")) as SitesRecord;
  } catch {
    return "unreadable";
  }
}

/** Readers see the whole old record or the whole new one, never half of one. */
function writeAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2));
  renameSync(tmp, file);
}

/** An exclusive lock file; one whose holder is gone (or older than the wait) is broken. */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lock = join(recordsDir(), ".lock");
  const end = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new RuntimeFailure(`cannot lock ${lock}: ${(err as Error).message}`);
      let holder = 0;
      let since = Date.now();
      try {
        holder = Number(readFileSync(lock, "utf8")) || 0;
        since = statSync(lock).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      const stale = (holder > 0 && !processAlive(holder)) || Date.now() - since > LOCK_WAIT_MS;
      if (stale) rmSync(lock, { force: true });
      else if (Date.now() > end) throw new RuntimeFailure(`${lock} has been held by process ${holder} for ${LOCK_WAIT_MS / 1000} s`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
