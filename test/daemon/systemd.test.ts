// The systemd unit: `systemd-analyze verify` clean, `security --offline=true` at most 2.0, its
// commands point at files the package has, and its readiness probe waits for /healthz.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/project.js";

const UNIT = join(REPO_ROOT, "systemd", "pelatod.service");

function systemdAnalyze(): string {
  const has = spawnSync("sh", ["-c", "command -v systemd-analyze"], { encoding: "utf8" });
  if (has.status !== 0) execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "systemd"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return "systemd-analyze";
}

test("systemd-analyze verify finds nothing to say", () => {
  const r = spawnSync(systemdAnalyze(), ["verify", UNIT], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(`${r.stdout}${r.stderr}`.trim(), "");
});

test("systemd-analyze security --offline=true rates the unit at most 2.0", () => {
  const r = spawnSync(systemdAnalyze(), ["security", "--offline=true", "--no-pager", UNIT], { encoding: "utf8" });
  const m = /Overall exposure level for pelatod\.service: (\d+\.\d)/.exec(r.stdout);
  assert.ok(m, r.stdout + r.stderr);
  assert.ok(Number(m[1]) <= 2.0, `exposure ${m[1]}:\n${r.stdout.split("\n").filter((l) => l.includes("✗")).join("\n")}`);
});

test("the unit runs as its own user, restarts on failure, logs to the journal, and sets GOCACHE", () => {
  const unit = readFileSync(UNIT, "utf8");
  for (const line of ["User=pelatod", "Type=exec", "Restart=on-failure", "StandardError=journal", "NoNewPrivileges=yes", "ProtectSystem=strict"]) assert.match(unit, new RegExp(`^${line}$`, "m"));
  assert.match(unit, /^Environment=.*GOCACHE=\/var\/cache\/pelatod\/go-build/m);
  // /opt/pelatod is this repository, built: the files the commands name exist in it.
  for (const [, file] of unit.matchAll(/^Exec\w+=\/usr\/bin\/node \/opt\/pelatod\/(\S+)/gm)) assert.ok(existsSync(join(REPO_ROOT, file!)), file);
  assert.match(readFileSync(join(REPO_ROOT, "systemd", "pelatod.sysusers.conf"), "utf8"), /^u pelatod /m);
});

test("the readiness probe exits 0 once /healthz answers 200, and 1 when it never does", async () => {
  // Healthy from the second request on, once armed: the probe must ask again after a 503.
  let armed = false;
  let asked = 0;
  const server = createServer((_req, res) => res.writeHead(armed && ++asked > 1 ? 200 : 503).end());
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const probe = (timeout: string, daemonPid?: number) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(REPO_ROOT, "dist", "src", "daemon", "wait-ready.js"), "/nonexistent", ...(daemonPid ? [String(daemonPid)] : [])], { env: { ...process.env, PELATO_METRICS: `127.0.0.1:${port}`, PELATO_READY_TIMEOUT_S: timeout }, stdio: "ignore" });
      child.once("exit", resolve);
    });
  try {
    assert.equal(await probe("1"), 1, "never healthy: fails after the timeout");
    // The daemon ($MAINPID) is gone: it gives up at once, not after the 10 minutes it was given.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    assert.equal(await probe("600", gone), 1);
    armed = true;
    assert.equal(await probe("30"), 0);
    assert.ok(asked >= 2, "the probe asked again after a 503");
  } finally {
    server.close();
  }
});
