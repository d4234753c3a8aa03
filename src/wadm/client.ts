import { errors, type Msg, type NatsConnection } from "@nats-io/nats-core";
import { WadmApiError, WadmNotFoundError, WadmUnavailableError } from "./errors.js";
import { wadmSubjects, type WadmSubjects } from "./subjects.js";
import type { AppStatus, Manifest, ModelSummary, PutResult, VersionInfo } from "./types.js";

interface Reply {
  result?: string;
  message?: string;
}

/** A typed client for wadm's NATS API. Every call goes through request(), every reply through parseReply(). */
export class WadmClient {
  readonly subjects: WadmSubjects;
  constructor(
    readonly nc: NatsConnection,
    readonly lattice: string,
    readonly timeoutMs = 5000,
  ) {
    this.subjects = wadmSubjects(lattice);
  }

  /** Stores a new version of a manifest (wadm refuses a version it already has). */
  async put(manifest: Manifest): Promise<PutResult> {
    return (await this.request(this.subjects.put(), manifest, manifest.metadata.name)) as unknown as PutResult;
  }

  async list(): Promise<ModelSummary[]> {
    return ((await this.request(this.subjects.list(), undefined, "*")) as { models?: ModelSummary[] }).models ?? [];
  }

  /** The stored manifest (latest, or `version`). */
  async get(name: string, version?: string): Promise<Manifest> {
    return ((await this.request(this.subjects.get(name), version ? { version } : undefined, name)) as { manifest: Manifest }).manifest;
  }

  /** Versions wadm keeps for an application; empty when it has none. */
  async versions(name: string): Promise<VersionInfo[]> {
    try {
      return ((await this.request(this.subjects.versions(name), undefined, name)) as { versions?: VersionInfo[] }).versions ?? [];
    } catch (err) {
      if (err instanceof WadmNotFoundError) return [];
      throw err;
    }
  }

  async deploy(name: string, version?: string): Promise<{ version?: string }> {
    return (await this.request(this.subjects.deploy(name), version ? { version } : undefined, name)) as { version?: string };
  }

  async undeploy(name: string): Promise<void> {
    await this.request(this.subjects.undeploy(name), undefined, name);
  }

  /** Deletes every version of the application. */
  async delete(name: string): Promise<void> {
    await this.request(this.subjects.del(name), undefined, name);
  }

  async status(name: string): Promise<AppStatus> {
    return ((await this.request(this.subjects.status(name), undefined, name)) as { status: AppStatus }).status;
  }

  private async request(subject: string, body: unknown, name: string): Promise<Reply & Record<string, unknown>> {
    let msg: Msg;
    try {
      msg = await this.nc.request(subject, body === undefined ? "" : JSON.stringify(body), { timeout: this.timeoutMs });
    } catch (err) {
      const cause = err instanceof errors.RequestError && err.isNoResponders() ? "no responders" : err instanceof errors.TimeoutError ? `timed out after ${this.timeoutMs} ms` : (err as Error).message;
      throw new WadmUnavailableError(subject, cause, { cause: err });
    }
    return parseReply(subject, name, msg);
  }
}

/** wadm's `result` field decides: errors and not-found become typed errors, anything else is the reply. */
export function parseReply(subject: string, name: string, msg: Pick<Msg, "string">): Reply & Record<string, unknown> {
  let body: Reply & Record<string, unknown>;
  try {
    body = JSON.parse(msg.string()) as Reply & Record<string, unknown>;
  } catch {
    throw new WadmApiError(subject, `an answer that is not JSON: ${msg.string().slice(0, 200)}`);
  }
  if (body.result === "error") throw new WadmApiError(subject, firstLine(body.message ?? "unknown error"));
  if (body.result === "notfound") throw new WadmNotFoundError(name);
  return body;
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}
