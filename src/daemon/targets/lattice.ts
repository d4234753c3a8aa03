import type { NatsConnection } from "@nats-io/nats-core";
import { deployAndWait, removeFromLattice } from "../../pipeline/index.js";
import { PROJECT_ANNOTATION } from "../../render/index.js";
import { projectApplications, WadmClient } from "../../wadm/index.js";
import type { DeployItem, DeployOutcome, DeployTarget } from "./target.js";
import type { RunningApp } from "../types.js";

/** A lattice: applications go to wadm, which has hosts pull the pushed images. */
export class LatticeTarget implements DeployTarget {
  readonly id: string;
  readonly pushes = true;
  readonly runsHere = false;
  readonly wadm: WadmClient;

  constructor(
    readonly nc: NatsConnection,
    lattice: string,
    timeoutMs: number,
    /** Where the sinks' consumers are (jetStreamDomain), for a removed postgres task's. */
    private readonly jsDomain?: string,
  ) {
    this.id = `lattice:${lattice}`;
    this.wadm = new WadmClient(nc, lattice, timeoutMs);
  }

  /** wadm's deployed version of each named application (and of the project's others, with discover). */
  async running(names: string[], discover?: string): Promise<RunningApp[]> {
    const wanted = new Set(names);
    if (discover !== undefined) for (const n of await projectApplications(this.wadm, discover, PROJECT_ANNOTATION)) wanted.add(n);
    return (await this.wadm.list()).filter((m) => wanted.has(m.name)).map((m) => ({ name: m.name, version: m.deployed_version ?? null }));
  }

  async deploy(item: DeployItem): Promise<DeployOutcome> {
    const { steps } = await deployAndWait(this.wadm, [item.manifest]);
    return { step: steps[0]!.step, swapMs: 0 };
  }

  async remove(name: string): Promise<void> {
    await removeFromLattice(this.wadm, { names: [name], ...(this.jsDomain ? { jsDomain: this.jsDomain } : {}) });
  }

  healthy(): boolean {
    return !this.nc.isClosed() && this.nc.info !== undefined;
  }

  async close(): Promise<void> {
    await this.nc.close().catch(() => {});
  }
}
