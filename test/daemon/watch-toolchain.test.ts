// The daemon builds as the CLI does: `watch --toolchain tinygo` builds in the pinned TinyGo
// container and serves edits from components a fraction of mainline Go's size; with no option it
// makes the CLI's `auto` choice. Its --json `built` events say which toolchain ran.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { pickToolchain } from "../../src/build/index.js";
import { tempProject } from "../helpers/project.js";
import { readUpState } from "../../src/host/index.js";
import { cycleAfter, spawnDaemon, TAG, upper, WORKFLOW, writeAtomic, type DaemonProcess } from "./helpers/daemon-process.js";

const run = randomBytes(4).toString("hex");
const p = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`v1-${run}`), "tasks/tag.go": TAG });
let d: DaemonProcess;
let nc: NatsConnection;

before(async () => {
  d = spawnDaemon(["watch", p.dir, "--local", "--metrics", "off", "--toolchain", "tinygo"]);
  await d.waitFor((e) => e.type === "ready", { what: "ready", timeoutMs: 600_000 });
  nc = await connect({ servers: readUpState(p.dir)!.natsUrl });
});
after(async () => {
  await nc?.close();
  await d?.stop();
  p.cleanup();
});

const ask = async (subject: string, body: string) => (await nc.request(subject, body, { timeout: 5000 })).string();

test("watch --toolchain tinygo: built in the container, components under 1.5 MB, and an edit serves", async () => {
  const first = d.since(0, "built");
  assert.deepEqual(first.map((e) => e.toolchain), ["tinygo", "tinygo"]);
  for (const e of first) assert.ok((e.size as number) < 1.5 * 2 ** 20, `${e.app}: ${e.size} bytes`);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v1-${run}`);

  const from = d.mark();
  writeAtomic(join(p.dir, "tasks", "upper.go"), upper(`v2-${run}`));
  const cycle = await cycleAfter(d, from, "cycle", 600_000);
  assert.equal(cycle.outcome, "ok", JSON.stringify(cycle));
  const built = d.since(from, "built");
  assert.deepEqual(built.map((e) => [e.app, e.toolchain]), [["upper", "tinygo"]]);
  assert.ok((built[0]!.size as number) < 1.5 * 2 ** 20);
  assert.equal(await ask("w.upper.in", "abc"), `ABC|v2-${run}`);
});

test("with no option the daemon makes the CLI's auto choice", async () => {
  const q = tempProject({ "workflow.yaml": WORKFLOW(), "tasks/upper.go": upper(`auto-${run}`), "tasks/tag.go": TAG });
  const auto = spawnDaemon(["watch", q.dir, "--local", "--metrics", "off"], { PELATO_TOOLCHAIN: "" });
  try {
    await auto.waitFor((e) => e.type === "ready", { what: "ready", timeoutMs: 600_000 });
    const expected = (await pickToolchain("auto")).name;
    assert.deepEqual([...new Set(auto.since(0, "built").map((e) => e.toolchain))], [expected]);
  } finally {
    await auto.stop();
    q.cleanup();
  }
});
