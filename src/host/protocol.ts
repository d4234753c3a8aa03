/** Messages between the local host (main thread) and a component's worker thread. */

export interface WorkerInit {
  name: string;
  wasm: Uint8Array;
  digest: string;
  /** wasi:config runtime values (dest_topic, bucket, table, key). */
  config: Record<string, string>;
  memoryLimitBytes: number;
  /** Serve the component's wasi:http handler on a loopback port of its own. */
  http: boolean;
  sync: SharedArrayBuffer;
  /** One Int32: the id of the message the worker is handling, 0 between messages. */
  progress: SharedArrayBuffer;
}

/** A message for the component's messaging handler, or a postgres sink's batch for its pelato:sink/rows#store. */
export type Delivery = { id: number; subject: string; body: Uint8Array; replyTo?: string } | { id: number; batch: Uint8Array[] };

/** pelato:sink/rows's outcome, as jco lifts the variant. */
export type SinkOutcome = { tag: "stored" } | { tag: "unavailable" | "waiting-for-schema" | "rejected"; val: string };

/** Main batches the deliveries that arrive in one turn of its event loop into one post. */
export type ToWorker = { type: "init"; init: WorkerInit } | { type: "deliver"; batch: Uint8Array<ArrayBuffer> };

export type WorkerEvent =
  | { type: "publish"; subject: string; body: Uint8Array; replyTo?: string }
  | { type: "log"; level: string; context: string; message: string }
  /** What became of each message of a batch. */
  | { type: "stored"; id: number; outcomes: SinkOutcome[] }
  /** A message that failed; `fatal`: the instance trapped and must not be used again. */
  | { type: "failed"; id: number; error: string; fatal?: boolean };

/**
 * Events go to main in batches, a message's publishes always in the same post as the `through`
 * that covers it, or an earlier one. A message is either wholly handled (outputs sent, done) or, if the worker dies
 * before its events left, not at all, and handed to the next worker. A message that reached
 * outside through a synchronous call (a request, a KV write) has its events sent at once.
 */
export type FromWorker =
  | { type: "ready"; httpPort?: number }
  /** `through`: every message up to this id is handled (those without a `failed` event, successfully). */
  | { type: "events"; events: Uint8Array<ArrayBuffer>; through: number }
  | { type: "call"; op: SyncOp; args: unknown[] }
  | { type: "failed"; error: string };

export type SyncOp = "request" | "pg.query";
