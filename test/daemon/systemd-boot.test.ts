// The unit under a real systemd: systemd 252 boots as PID 1 in a container (no network of its
// own: everything talks over the container's loopback), pelatod is packaged and installed by
// the README's two blocks, word for word, and then edited, called, killed and stopped.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createUser } from "@nats-io/nkeys";
import { execa } from "execa";
import { EXAMPLE, REPO_ROOT } from "../helpers/project.js";
import { eventually } from "../helpers/until.js";
import { installBlocks, type ContainerProcess } from "./helpers/systemd-container.js";

const run = randomBytes(4).toString("hex");
const work = mkdtempSync(join(tmpdir(), "pelato-systemd-"));
const operator = createUser();
const CLI = "/opt/pelatod/dist/src/cli/main.js";
const TASK = "/var/lib/pelatod/project/tasks/convert.go";
let container: string | undefined;

const sh = async (script: string, input?: string) => {
  const r = await execa("docker", ["exec", "-i", "-w", "/root", container!, "bash", "-euo", "pipefail", "-c", script], { reject: false, ...(input !== undefined ? { input } : {}) });
  if (r.exitCode !== 0) throw new Error(`in the container: ${script}\nexit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
};
const unit = async (property: string) => (await sh(`systemctl show -p ${property} --value pelatod`)).trim();
const journal = () => sh("journalctl -u pelatod --no-pager -o cat");
const healthz = () => sh(`node -e 'fetch("http://127.0.0.1:9464/healthz").then((r) => console.log(r.status), () => console.log(0))'`).then((s) => Number(s.trim()));
const call = async (endpoint: string) => JSON.parse(await sh(`node ${CLI} call gw ${endpoint} --nkey /root/operator.nk --nats-url nats://127.0.0.1:4222 --json`)) as { result: Record<string, unknown> };
/** Every process of the pelatod user, by pid. */
async function pelatodProcesses(): Promise<ContainerProcess[]> {
  const uid = (await sh("id -u pelatod")).trim();
  const list = `const fs = require("fs"); const out = [];
    for (const p of fs.readdirSync("/proc").filter((x) => /^\\d+$/.test(x))) {
      try { if (String(fs.statSync("/proc/" + p).uid) === "${uid}") out.push({ pid: Number(p), cmd: fs.readFileSync("/proc/" + p + "/cmdline", "utf8").split("\\0").join(" ").trim() }); } catch {}
    }
    console.log(JSON.stringify(out));`;
  return JSON.parse(await sh(`node -e '${list}'`)) as ContainerProcess[];
}
/** What a process of the unit is; anything else is a build tool (go and its compilers, gocheck, the held go's sleep). */
const kind = (p: ContainerProcess) => (p.cmd.includes("nats-server") ? "nats-server" : p.cmd.includes("host-process.js") ? "host" : p.cmd.includes("toolbox-worker.js") ? "toolbox" : p.cmd.includes("cli/main.js watch") ? "daemon" : "build tool");

// Go as the unit finds it, at /usr/local/go/bin/go, but held: while /run/pelato-test/hold exists
// a `go build` waits, so that the test can kill the daemon in the middle of a build.
function heldGo(): string {
  const bin = join(work, "go-bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "go"), `#!/bin/sh
if [ "$1" = build ]; then while [ -e /run/pelato-test/hold ]; do sleep 0.05; done; fi
GOROOT=/usr/local/go-real exec /usr/local/go-real/bin/go "$@"
`);
  chmodSync(join(bin, "go"), 0o755);
  return bin;
}

before(async () => {
  const image = (await execa("bash", [join(REPO_ROOT, "toolchain", "setup", "systemd-image.sh")])).stdout.trim();
  const blocks = installBlocks(readFileSync(join(REPO_ROOT, "README.md"), "utf8"));
  // The first block, on this machine, in the repository; the package goes to a folder of the test's.
  await execa("bash", ["-euo", "pipefail", "-c", blocks.package.replaceAll("../pelatod", join(work, "pelatod"))], { cwd: REPO_ROOT });
  // The recipe of issue 17: systemd as PID 1 without --privileged, no network but loopback; this
  // machine's Node and Go bind-mounted where the README says the gateway has them.
  const goroot = execFileSync("go", ["env", "GOROOT"], { encoding: "utf8" }).trim();
  const args = ["run", "-d", "--name", `pelato-systemd-${run}`, "--network", "none", "--stop-signal", "SIGRTMIN+3",
    "--cap-add", "ALL", "--cap-drop", "SYS_RESOURCE", "--security-opt", "seccomp=unconfined", "--security-opt", "systempaths=unconfined",
    "--cgroupns=private", "--tmpfs", "/sys/fs/cgroup", "--tmpfs", "/run", "--tmpfs", "/run/lock",
    "-v", `${process.execPath}:/usr/bin/node:ro`, "-v", `${goroot}:/usr/local/go-real:ro`, "-v", `${heldGo()}:/usr/local/go/bin:ro`,
    "-v", `${join(work, "pelatod")}:/root/pelatod:ro`, "-v", `${EXAMPLE}:/root/my-project:ro`,
    image, "/lib/systemd/systemd"];
  container = (await execa("docker", args)).stdout.trim();
  // Until its manager answers, systemctl says "offline"; then "initializing", "starting", and
  // "running" (or "degraded") once booted.
  let state = "";
  await eventually(async () => {
    state = (await execa("docker", ["exec", container!, "systemctl", "is-system-running"], { reject: false })).stdout.trim();
    return ["running", "degraded"].includes(state) || undefined;
  }, "systemd booted in the container", 60_000).catch((err: Error) => {
    throw new Error(`${err.message}: systemctl is-system-running says "${state}"`);
  });
  await sh("cat > /root/operator.nk", new TextDecoder().decode(operator.getSeed()));
  await sh("cat > /root/stranger.nk", new TextDecoder().decode(createUser().getSeed()));
  // The gateway's block, as root, with its "then edit it" done here.
  const settings = ["PELATO_INSTANCE=gw", "NATS_PORT=4222", "PELATO_METRICS=127.0.0.1:9464", `PELATO_SERVE_KEYS=${operator.getPublicKey()}`, "PARALLEL_BUILD=1"];
  await sh(blocks.beforeEdit);
  await sh("cat > /etc/pelatod/pelatod.env", `${settings.join("\n")}\n`);
  await sh(blocks.afterEdit);
});

after(async () => {
  if (container) await execa("docker", ["rm", "-f", "-v", container], { reject: false });
  rmSync(work, { recursive: true, force: true });
});

type Apps = Record<string, { version: string }>;
const versions = async () => (await call("status")).result.apps as Apps;
let deployed: Apps;

test("enable --now returns once /healthz answers: the unit is active, the project deployed", async () => {
  assert.equal(await unit("ActiveState"), "active");
  assert.equal(await healthz(), 200);
  const log = await journal();
  // The daemon's ready line comes before systemd's "Started": ExecStartPost held the unit until then.
  const ready = log.indexOf("watching local: 2 application(s)");
  assert.ok(ready >= 0 && ready < log.lastIndexOf("Started pelatod.service"), log);
  deployed = await versions();
  assert.deepEqual(Object.keys(deployed).sort(), ["celsius_to_kelvin_conversion", "temp_filter"]);
});

test("journalctl -u pelatod shows the daemon's lines: what it built, with which toolchain, and deployed", async () => {
  const log = await journal();
  assert.match(log, /built\s+celsius_to_kelvin_conversion go \d+ KiB/);
  assert.match(log, /deployed\s+temp_filter 1\.0\.2-/);
});

test("an edit to the project is redeployed, and only the edited task", async () => {
  await sh(`printf '\\n// edited %s\\n' first-${run} >> ${TASK}`);
  const now = await eventually(async () => {
    const v = await versions();
    return v.celsius_to_kelvin_conversion!.version !== deployed.celsius_to_kelvin_conversion!.version ? v : undefined;
  }, "redeploy of the edited task", 180_000, 500);
  assert.equal(now.temp_filter!.version, deployed.temp_filter!.version);
  deployed = now;
});

test("a signed redeploy request is answered; another key is refused", async () => {
  const reply = await call("redeploy");
  assert.ok(reply.result, JSON.stringify(reply));
  const stranger = await execa("docker", ["exec", container!, "node", CLI, "call", "gw", "status", "--nkey", "/root/stranger.nk", "--nats-url", "nats://127.0.0.1:4222"], { reject: false });
  assert.notEqual(stranger.exitCode, 0);
  assert.match(stranger.stderr, /refused/);
});

test("kill -9 of the main PID in the middle of a build: the unit restarts and converges, no process of the old one is left", async () => {
  const mainPid = Number(await unit("MainPID"));
  const restarts = Number(await unit("NRestarts"));
  await sh("mkdir -p /run/pelato-test && touch /run/pelato-test/hold");
  await sh(`printf '\\n// edited %s\\n' second-${run} >> ${TASK}`);
  const old = await eventually(async () => {
    const ps = await pelatodProcesses();
    return ps.some((p) => p.cmd.includes("/usr/local/go/bin/go build")) ? ps : undefined;
  }, "a held go build", 120_000);
  assert.deepEqual([...new Set(old.map(kind))].sort(), ["build tool", "daemon", "host", "nats-server", "toolbox"]);
  await sh(`kill -9 ${mainPid}`);
  await eventually(async () => (Number(await unit("NRestarts")) > restarts && (await unit("ActiveState")) === "activating") || undefined, "a restart", 60_000);
  await sh("rm /run/pelato-test/hold");
  await eventually(async () => ((await unit("ActiveState")) === "active" ? true : undefined), "the unit active again", 180_000, 500);
  const now = await eventually(async () => {
    const v = await versions();
    return v.celsius_to_kelvin_conversion!.version !== deployed.celsius_to_kelvin_conversion!.version ? v : undefined;
  }, "the edit made during the kill deployed", 180_000, 500);
  deployed = now;
  const ps = await pelatodProcesses();
  const oldPids = new Set(old.map((p) => p.pid));
  assert.deepEqual(ps.filter((p) => oldPids.has(p.pid)), [], "processes of the killed daemon");
  const count = (k: string) => ps.filter((p) => kind(p) === k).length;
  assert.deepEqual([count("daemon"), count("nats-server"), count("host")], [1, 1, 1], JSON.stringify(ps));
  assert.deepEqual(ps.filter((p) => p.cmd.includes("/usr/local/go")), [], "compilers, with the build done");
});

test("systemd-analyze security rates the running unit at most 2.0", async () => {
  const out = await sh("systemd-analyze security pelatod --no-pager");
  const m = /Overall exposure level for pelatod\.service: (\d+\.\d)/.exec(out);
  assert.ok(m && Number(m[1]) <= 2.0, out);
});

test("systemctl stop leaves no process of the unit", async () => {
  await sh("systemctl stop pelatod");
  assert.equal(await unit("ActiveState"), "inactive");
  assert.deepEqual(await pelatodProcesses(), []);
});

test("removing the container leaves nothing of it on this machine", async () => {
  const id = container!;
  container = undefined;
  await execa("docker", ["rm", "-f", "-v", id]);
  assert.equal((await execa("docker", ["ps", "-aq", "--no-trunc", "--filter", `id=${id}`])).stdout.trim(), "");
  // Its cgroup went with it (docker's cgroupfs or systemd driver).
  const leftovers = (await execa("find", ["/sys/fs/cgroup", "-maxdepth", "3", "-name", `*${id}*`], { reject: false })).stdout.trim();
  assert.equal(leftovers, "");
});
