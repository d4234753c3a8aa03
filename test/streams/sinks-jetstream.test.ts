import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { jetstreamManager, RetentionPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { ensureSinks, removeSinkConsumers, type SinkPlan } from "../../src/streams/index.js";
import { startNats, type NatsServer } from "../helpers/servers.js";

// Users JetStream will not answer about streams or consumers: a permission here, a deadline or a
// link down in the field. Whatever pelatod cannot read must not pass for "not there".
const USERS = `
authorization {
  users = [
    { user: admin, password: admin }
    { user: streams_unreadable, password: x, permissions: { publish: { allow: [">"], deny: ["$JS.API.STREAM.INFO.>"] } } }
    { user: consumers_unreadable, password: x, permissions: { publish: { allow: [">"], deny: ["$JS.API.CONSUMER.INFO.>"] } } }
    { user: consumers_undeletable, password: x, permissions: { publish: { allow: [">"], deny: ["$JS.API.CONSUMER.DELETE.>"] } } }
  ]
}
no_auth_user: admin
`;

const plan: SinkPlan = {
  buckets: [],
  streams: [{ name: "PELATO_SINK_readings", topic: "readings", limits: { maxAgeSeconds: 3600, maxBytes: 1 << 20 }, consumers: [{ durable: "store_readings", deliverSubject: "pelato.sink.store_readings", deliverGroup: "store_readings" }] }],
};
const options = { project: "p", timeoutMs: 2000 };

let nats: NatsServer;
before(async () => {
  nats = await startNats({ config: USERS });
});
after(async () => {
  await nats?.stop();
});

async function as<T>(user: string | undefined, work: (nc: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: nats.url, ...(user ? { user, pass: "x" } : {}) });
  try {
    return await work(nc);
  } finally {
    await nc.close();
  }
}

test("a stream that cannot be read is an error naming it, not a stream to create (which would fail as 'already in use')", async () => {
  await as(undefined, async (nc) => (await jetstreamManager(nc)).streams.add({ name: "PELATO_SINK_readings", subjects: ["readings"], retention: RetentionPolicy.Interest, max_age: nanos(60_000) }));
  await assert.rejects(
    as("streams_unreadable", (nc) => ensureSinks(nc, plan, options)),
    (e: Error) => /^cannot read stream PELATO_SINK_readings: /.test(e.message) && !/already in use/.test(e.message),
  );
  const info = await as(undefined, async (nc) => (await jetstreamManager(nc)).streams.info("PELATO_SINK_readings"));
  assert.equal(info.config.max_age, nanos(60_000), "the stream is as it was");
});

test("a consumer that cannot be read is an error naming it; one that cannot be deleted is an error too, never 'nothing to delete'", async () => {
  await as(undefined, (nc) => ensureSinks(nc, plan, options));
  await assert.rejects(
    as("consumers_unreadable", (nc) => ensureSinks(nc, plan, options)),
    (e: Error) => /^cannot read consumer store_readings of PELATO_SINK_readings: /.test(e.message),
  );
  await assert.rejects(
    as("consumers_undeletable", (nc) => removeSinkConsumers(nc, ["store_readings"], options)),
    (e: Error) => /^cannot delete consumer store_readings of PELATO_SINK_readings: /.test(e.message),
  );
  assert.deepEqual(await as(undefined, (nc) => removeSinkConsumers(nc, ["store_readings"], options)), ["PELATO_SINK_readings/store_readings", "PELATO_SINK_readings"]);
});

test("removing a sink deletes only a stream it left unread: one that has no consumer yet (being set up) stays", async () => {
  await as(undefined, (nc) => ensureSinks(nc, plan, options));
  await as(undefined, async (nc) => (await jetstreamManager(nc)).streams.add({ name: "PELATO_SINK_other", subjects: ["other"], retention: RetentionPolicy.Interest }));
  assert.deepEqual(await as(undefined, (nc) => removeSinkConsumers(nc, ["store_readings"], options)), ["PELATO_SINK_readings/store_readings", "PELATO_SINK_readings"]);
  assert.deepEqual(await as(undefined, async (nc) => (await (await jetstreamManager(nc)).streams.names().next()).sort()), ["PELATO_SINK_other"]);
});
