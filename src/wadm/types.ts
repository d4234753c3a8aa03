/** Shapes of wadm 0.21's replies, as seen from the real server (see ../shared/reference/wasmcloud.md). */

export type StatusType = "undeployed" | "reconciling" | "deployed" | "failed" | "waiting" | "unknown";

export interface StatusInfo {
  type: StatusType;
  message?: string;
}

export interface ModelSummary {
  name: string;
  /** The latest stored version. */
  version: string;
  /** The version wadm was asked to deploy, if any. */
  deployed_version?: string | null;
  description?: string | null;
  /** Coarse status; stays "undeployed" while wadm waits for hosts. */
  status: StatusType;
  status_message?: string | null;
  /** What wadm is doing now ("waiting: Lattice contains no hosts", "reconciling", …). */
  detailed_status?: { status: StatusInfo; components?: unknown[] };
}

export interface VersionInfo {
  version: string;
  deployed: boolean;
}

export interface ScalerStatus {
  id: string;
  kind: string;
  name: string;
  status: StatusInfo;
}

export interface AppStatus {
  status: StatusInfo;
  version?: string;
  /** Per-component scaler states (wadm 0.21 calls them components). */
  components?: { name: string; type?: string; status: StatusInfo; traits?: { type: string; status: StatusInfo }[] }[];
  scalers?: ScalerStatus[];
}

export type PutResult = { result: "created" | "newversion"; current_version: string; total_versions: number };

/** An OAM application manifest as pelatod renders it (src/render); wadm accepts it as JSON. */
export type { Manifest } from "../render/index.js";
