// The local component host in a process of its own (see host-client.ts): one LocalHost on its
// own NATS connection, driven over the IPC channel by the daemon or `pelatod up`.
import { readFile } from "node:fs/promises";
import { Secret } from "../config/index.js";
import { connectNats } from "../nats/index.js";
import { appFromManifest } from "./app.js";
import type { FromHost, HostStart, ToHost } from "./host-protocol.js";
import { LocalHost, type HostEvent } from "./local-host.js";

const send = (m: FromHost) => process.send!(m);
let queued: HostEvent[] = [];
// Events go out in one IPC message per turn of the event loop: `up` under load sees thousands a second.
const flushEvents = () => {
  if (queued.length > 0) send({ type: "events", events: queued });
  queued = [];
};
const queue = (e: HostEvent) => {
  if (queued.push(e) === 1) setImmediate(flushEvents);
};

const start = await new Promise<HostStart>((resolve) => process.once("message", (m: ToHost) => m.type === "start" && resolve(m.start)));
const { password, token, ...nats } = start.nats;
const nc = await connectNats({ ...nats, ...(password !== undefined ? { password: new Secret(password) } : {}), ...(token !== undefined ? { token: new Secret(token) } : {}) }, start.clientName).catch((err: Error) => {
  send({ type: "failed", message: err.message });
  process.exit(1);
});
const host = new LocalHost(nc, { limits: start.limits, ...(start.httpHost ? { httpHost: start.httpHost } : {}), onEvent: queue, handledEvents: start.handledEvents, ...(start.databaseUrl ? { databaseUrl: new Secret(start.databaseUrl) } : {}) });

// Requests are handled one at a time, in the order they came: an apply and a remove of the same app never interleave.
let chain = Promise.resolve();
process.on("message", (m: ToHost) => {
  if (m.type === "start") return;
  chain = chain.then(async () => {
    const reply = await handle(m).catch((err: Error): FromHost => ({ type: "failed", id: m.id, message: err.message }));
    flushEvents(); // what happened during the request arrives before its answer
    send(reply);
  });
});
// The daemon is gone, even by kill -9: the components go with it, a hung one included.
process.on("disconnect", () => {
  setTimeout(() => process.exit(0), 2000).unref();
  void host.stop().finally(() => process.exit(0));
});
send({ type: "ready" });

async function handle(m: Exclude<ToHost, { type: "start" }>): Promise<FromHost> {
  if (m.type === "apply") {
    const app = appFromManifest(m.app.manifest, new Uint8Array(await readFile(m.app.wasmPath)), m.app.digest);
    const step = await host.apply(app);
    return { type: "done", id: m.id, step, apps: host.apps() };
  }
  if (m.type === "remove") {
    await host.remove(m.name);
    return { type: "done", id: m.id, apps: host.apps() };
  }
  await host.stop();
  await nc.close().catch(() => {});
  setImmediate(() => process.exit(0));
  return { type: "done", id: m.id, apps: [] };
}
