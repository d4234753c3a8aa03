/** Messages between the local host (main thread) and a component's worker thread. */

export interface WorkerInit {
  name: string;
  wasm: Uint8Array;
  digest: string;
  /** wasi:config runtime values (dest_topic, bucket). */
  config: Record<string, string>;
  memoryLimitBytes: number;
  /** Serve the component's wasi:http handler on a loopback port of its own. */
  http: boolean;
  sync: SharedArrayBuffer;
}

export type ToWorker = { type: "message"; id: number; subject: string; body: Uint8Array; replyTo?: string };

export type FromWorker =
  | { type: "ready"; httpPort?: number }
  | { type: "publish"; subject: string; body: Uint8Array; replyTo?: string }
  | { type: "log"; level: string; context: string; message: string }
  | { type: "call"; op: SyncOp; args: unknown[] }
  /** `fatal`: the instance trapped and must not be used again. */
  | { type: "done"; id: number; error?: string; fatal?: boolean }
  | { type: "failed"; error: string };

export type SyncOp = "request" | "kv.get" | "kv.set" | "kv.delete" | "kv.exists" | "kv.keys";
