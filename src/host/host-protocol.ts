import type { Manifest } from "../render/index.js";
import type { NatsSettings } from "../config/index.js";
import type { Limits } from "./instance.js";
import type { HostEvent } from "./local-host.js";

/** What the host process needs to start one application: it reads the component itself. */
export interface AppSource {
  manifest: Manifest;
  wasmPath: string;
  digest: string;
}

export interface AppStatus {
  name: string;
  version: string;
  subscriptions: string[];
  httpPort?: number;
  restarts: number;
}

/** NATS settings as they cross the IPC channel: secrets revealed (they never leave the machine), wrapped again on arrival. */
export type WireNatsSettings = Omit<NatsSettings, "password" | "token"> & { password?: string; token?: string };

export interface HostStart {
  nats: WireNatsSettings;
  clientName: string;
  limits: Limits;
  httpHost?: string;
  /** Whether to send a `handled` event per message (only `up` prints them). */
  handledEvents: boolean;
  /** DATABASE_URL, revealed for the trip like the NATS secrets. */
  databaseUrl?: string;
}

export type ToHost =
  | { type: "start"; start: HostStart }
  | { type: "apply"; id: number; app: AppSource }
  | { type: "remove"; id: number; name: string }
  | { type: "stop"; id: number };

export type FromHost =
  | { type: "ready" }
  | { type: "events"; events: HostEvent[] }
  | { type: "done"; id: number; step?: "started" | "swapped" | "unchanged"; apps: AppStatus[] }
  | { type: "failed"; id?: number; message: string };
