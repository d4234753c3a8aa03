import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../helpers/project.js";
import { freePort } from "../../../src/free-port.js";

export { freePort };

export const REGISTRY_BIN = "/usr/bin/docker-registry";

/** Installs docker-registry, skopeo and htpasswd when missing (once per process). */
let ensured = false;
export function ensureRegistryTools(): void {
  if (ensured) return;
  if (!existsSync(REGISTRY_BIN) || !which("skopeo") || !which("htpasswd")) {
    execFileSync("bash", [join(REPO_ROOT, "toolchain", "setup", "registry.sh")], { stdio: ["ignore", "ignore", "inherit"] });
  }
  ensured = true;
}

function which(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}


export type RegistryAuth =
  | { kind: "htpasswd"; users: Record<string, string> }
  | { kind: "token"; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RunningRegistry {
  /** 127.0.0.1:<port> */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

/** A real distribution server on a free loopback port, filesystem storage in a temp dir. */
export async function startRegistry(auth?: RegistryAuth): Promise<RunningRegistry> {
  ensureRegistryTools();
  const dir = mkdtempSync(join(tmpdir(), "pelato-registry-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const lines = [
    "version: 0.1",
    "log:",
    "  level: warn",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${host}`,
    `  secret: pelato-test-${port}`,
  ];
  if (auth?.kind === "htpasswd") {
    const file = join(dir, "htpasswd");
    writeFileSync(file, Object.entries(auth.users).map(([u, p]) => execFileSync("htpasswd", ["-Bbn", u, p], { encoding: "utf8" }).trim()).join("\n") + "\n");
    lines.push("auth:", "  htpasswd:", "    realm: pelato-test", `    path: ${file}`);
  } else if (auth?.kind === "token") {
    lines.push("auth:", "  token:", `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.rootCertBundle}`);
  }
  writeFileSync(join(dir, "config.yml"), lines.join("\n") + "\n");
  const child = spawn(REGISTRY_BIN, ["serve", join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForV2(host, child, () => stderr);
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host,
    dir,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForV2(host: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`http://${host}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry on ${host} did not answer /v2/ within 15 s: ${stderr()}`);
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}
