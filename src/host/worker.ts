// A component's worker thread: one instance, its imports bridged to the main thread.
import { parentPort } from "node:worker_threads";
import { PackedStream } from "./packed.js";
import * as shimHttp from "@bytecodealliance/preview2-shim/http";
import { loadComponent, type LoadedComponent } from "./load-component.js";
import type { Delivery, FromWorker, SinkOutcome, SyncOp, ToWorker, WorkerEvent, WorkerInit } from "./protocol.js";
import { waitForAnswer } from "./sync-call.js";
import { fromColumn, toParam, type PgValue } from "./pg-values.js";
import type { QueryAnswer } from "./database.js";

const port = parentPort!;
// Booted ahead of need (see warm-workers.ts): the component comes in the first message. One
// listener throughout, so a delivery that overtakes the component's load is queued, not lost.
const inbox: { handle?: (batch: Uint8Array) => void; early: Uint8Array[] } = { early: [] };
const init = await new Promise<WorkerInit>((resolve) =>
  port.on("message", (m: ToWorker) => {
    if (m.type === "init") resolve(m.init);
    else if (inbox.handle) inbox.handle(m.batch);
    else inbox.early.push(m.batch);
  }),
);
const post = (m: FromWorker) => port.postMessage(m);
// Go's runtime says why it gives up ("fatal error: out of memory" on stderr; TinyGo's "panic: …"
// on stdout) and then traps with a bare "unreachable": that line, from the message in progress,
// names the trap.
let outputTail = "";
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    outputTail = (outputTail + (typeof chunk === "string" ? chunk : Buffer.from(chunk).toString())).slice(-4096);
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
const trapReason = (err: Error) => {
  const said = /^(fatal error|panic): .*$/m.exec(outputTail)?.[0];
  if (!said) return err.message;
  const limit = /out of memory/.test(said) ? `, at the memory limit of ${Math.round(init.memoryLimitBytes / 2 ** 20)} MiB` : "";
  return `${said} (${err.message}${limit})`;
};
const FLUSH_EVERY_MS = 2;
const progress = new Int32Array(init.progress);
const toMain = new PackedStream();
const fromMain = new PackedStream();
let outbox: WorkerEvent[] = [];
let lastFlush = performance.now();
let calledOut = false;
let handled = 0; // id of the last message handled
let reported = 0;
const flush = () => {
  if (outbox.length > 0 || handled > reported) {
    const events = toMain.pack(outbox);
    port.postMessage({ type: "events", events, through: handled } satisfies FromWorker, [events.buffer]);
  }
  outbox = [];
  reported = handled;
  lastFlush = performance.now();
  calledOut = false;
};
/** Events wait for the end of the message (or, from an HTTP request, of this turn) and go in one post. */
const emit = (e: WorkerEvent) => {
  if (outbox.push(e) === 1) queueMicrotask(flush);
};
const HANDLER = "wasmcloud:messaging/handler@0.2.0";
const SINK = "pelato:sink/rows@0.1.0";
const HTTP_HANDLER = "wasi:http/incoming-handler@0.2.0";

function call(op: SyncOp, ...args: unknown[]): unknown {
  flush(); // what the component published before this call goes first
  calledOut = true;
  const reply = waitForAnswer(init.sync, () => post({ type: "call", op, args })) as { ok?: unknown; error?: string };
  if (reply.error !== undefined) throw reply.error; // jco turns a thrown string into the result's error
  return reply.ok;
}

/** pelato:sink/rows's batch: each body preceded by its length, a little-endian u32. */
function framed(bodies: Uint8Array[]): Uint8Array {
  const out = Buffer.allocUnsafe(bodies.reduce((n, b) => n + 4 + b.length, 0));
  let at = 0;
  for (const b of bodies) {
    at = out.writeUInt32LE(b.length, at);
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, "base64"));
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** wasmcloud:postgres/query: statements run on the main thread's pool (database.ts). */
const postgresQuery = {
  query(query: string, params: PgValue[]) {
    const answer = call("pg.query", query, params.map(toParam)) as QueryAnswer;
    if ("error" in answer) throw answer.error; // jco makes a thrown value the result's error
    return answer.rows.map((row) => row.map(([columnName, value]) => ({ columnName, value: fromColumn(value) })));
  },
  queryBatch(query: string) {
    const answer = call("pg.query", query, []) as QueryAnswer;
    if ("error" in answer) throw answer.error;
  },
};

const imports = {
  "wasmcloud:messaging/consumer": {
    publish(msg: { subject: string; body: Uint8Array; replyTo?: string }) {
      emit({ type: "publish", subject: msg.subject, body: msg.body, ...(msg.replyTo ? { replyTo: msg.replyTo } : {}) });
    },
    request(subject: string, body: Uint8Array, timeoutMs: number) {
      const r = call("request", subject, b64(body), timeoutMs) as { subject: string; body: string };
      return { subject: r.subject, body: bytes(r.body), replyTo: undefined };
    },
  },
  "wasi:config/runtime": {
    get: (key: string) => init.config[key],
    getAll: () => Object.entries(init.config),
  },
  "wasi:logging/logging": {
    log: (level: string, context: string, message: string) => emit({ type: "log", level, context, message }),
  },
  "wasmcloud:postgres/query": postgresQuery,
};

let component: LoadedComponent;
try {
  component = await loadComponent(init.wasm, init.digest, imports, { memoryLimitBytes: init.memoryLimitBytes });
} catch (err) {
  post({ type: "failed", error: (err as Error).message });
  throw err;
}

let httpPort: number | undefined;
if (init.http && component.exports[HTTP_HANDLER]) {
  const { HTTPServer } = shimHttp as unknown as { HTTPServer: new (h: unknown) => { listen(p: number, h: string): void; address(): { port: number } } };
  const server = new HTTPServer(component.exports[HTTP_HANDLER]);
  server.listen(0, "127.0.0.1");
  httpPort = server.address().port;
}

let dead = false; // after a trap: handle nothing more; main replaces this worker and re-sends the rest
inbox.handle = (batch) => {
  for (const m of fromMain.unpack<Delivery[]>(batch)) {
    if (dead) break;
    Atomics.store(progress, 0, m.id);
    outputTail = "";
    try {
      if ("batch" in m) emit({ type: "stored", id: m.id, outcomes: component.exports[SINK]!.store!(framed(m.batch) as never) as SinkOutcome[] });
      else component.exports[HANDLER]!.handleMessage!({ subject: m.subject, body: m.body, replyTo: m.replyTo } as never);
    } catch (err) {
      const e = err as { payload?: unknown; message?: string };
      // A trap leaves the instance in an unknown state (Go's runtime may be half-way through anything).
      const fatal = err instanceof WebAssembly.RuntimeError;
      dead = fatal;
      emit({ type: "failed", id: m.id, error: fatal ? trapReason(err) : String(e.payload ?? e.message ?? err), ...(fatal ? { fatal } : {}) });
    }
    handled = m.id;
    Atomics.store(progress, 0, 0);
    if (calledOut || performance.now() - lastFlush > FLUSH_EVERY_MS) flush();
  }
  flush();
};
inbox.early.splice(0).forEach(inbox.handle);
post({ type: "ready", ...(httpPort !== undefined ? { httpPort } : {}) });
