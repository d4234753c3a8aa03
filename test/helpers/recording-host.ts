import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as shimHttp from "@bytecodealliance/preview2-shim/http";
import { sha256 } from "../../src/build/index.js";
import { loadComponent, type LoadedComponent } from "../../src/host/load-component.js";

export interface Recording {
  published: { subject: string; body: string; replyTo?: string }[];
  logs: { level: string; context: string; message: string }[];
  kv: Map<string, Map<string, string>>;
  config: Record<string, string>;
}

/** Loads a built component in Node with recording stand-ins for the wasmCloud imports (a KV put is a request answered by a map). */
export async function recordingInstance(wasm: string, config: Record<string, string>): Promise<{ component: LoadedComponent; rec: Recording }> {
  const rec: Recording = { published: [], logs: [], kv: new Map(), config };
  const bytes = readFileSync(wasm);
  const decode = (b: Uint8Array) => Buffer.from(b).toString("utf8");
  const component = await loadComponent(bytes, sha256(bytes), {
    "wasmcloud:messaging/consumer": {
      publish(msg: { subject: string; body: Uint8Array; replyTo?: string }) {
        rec.published.push({ subject: msg.subject, body: decode(msg.body), ...(msg.replyTo ? { replyTo: msg.replyTo } : {}) });
      },
      // A JetStream KV put ($KV.<bucket>.<key>) is answered as the bucket's stream would; nothing else answers.
      request(subject: string, body: Uint8Array) {
        const kv = /^\$KV\.([^.]+)\.(.+)$/.exec(subject);
        if (!kv) throw "no responders";
        if (!rec.kv.has(kv[1]!)) rec.kv.set(kv[1]!, new Map());
        rec.kv.get(kv[1]!)!.set(kv[2]!, decode(body));
        return { subject: "_INBOX.reply", body: new TextEncoder().encode(JSON.stringify({ stream: `KV_${kv[1]}`, seq: rec.kv.get(kv[1]!)!.size })), replyTo: undefined };
      },
    },
    "wasi:config/runtime": {
      get: (key: string) => rec.config[key],
      getAll: () => Object.entries(rec.config),
    },
    "wasi:logging/logging": {
      log: (level: string, context: string, message: string) => rec.logs.push({ level, context, message }),
    },
  });
  return { component, rec };
}

export function message(subject: string, body: string, replyTo?: string) {
  return { subject, body: new TextEncoder().encode(body), replyTo };
}

// The shim's Node HTTP server for wasi:http components (what `jco serve` uses); untyped in its .d.ts.
const { HTTPServer } = shimHttp as unknown as {
  HTTPServer: new (handler: unknown) => { listen(port: number, host: string): void; address(): unknown; stop(): void };
};

/** The example's HTTP producer, whichever toolchain built it: a POST of 21.5 is answered and published as 294.65; GET is refused. */
export async function assertHttpProducer(wasm: string): Promise<void> {
  const { component, rec } = await recordingInstance(wasm, { dest_topic: "kelvin" });
  const server = new HTTPServer(component.exports["wasi:http/incoming-handler@0.2.0"]);
  server.listen(0, "127.0.0.1");
  try {
    const { port } = server.address() as { port: number };
    const post = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: '{"Data":21.5}' });
    assert.equal(post.status, 200);
    assert.equal(await post.text(), '{"Data":294.65,"Name":""}');
    assert.deepEqual(rec.published, [{ subject: "kelvin", body: '{"Data":294.65,"Name":""}' }]);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 405);
  } finally {
    server.stop();
  }
}
