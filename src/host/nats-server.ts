import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { connect } from "@nats-io/transport-node";
import { RuntimeFailure } from "../errors.js";
import { cacheDir, TOOLCHAIN_DIR } from "../paths.js";
import { freePort } from "../free-port.js";
import { dieWithParent } from "../orphan-guard.js";

export interface LocalNats {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The embedded default's NATS: a nats-server >= 2.10 with JetStream on loopback, its data in
 * `storeDir`. The binary is $PELATO_NATS_SERVER, the one pelato's setup built, or built now.
 */
export async function startNatsServer(storeDir: string, port?: number, onProgress?: (line: string) => void): Promise<LocalNats> {
  const bin = await natsServerBinary(onProgress);
  const listen = port ?? (await freePort());
  mkdirSync(storeDir, { recursive: true });
  const [cmd, argv] = dieWithParent(bin, ["-js", "-a", "127.0.0.1", "-p", String(listen), "-sd", storeDir]);
  const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const url = `nats://127.0.0.1:${listen}`;
  try {
    await waitReady(url, child);
  } catch (err) {
    child.kill("SIGKILL");
    throw new RuntimeFailure(`the local nats-server did not start on ${url}: ${(err as Error).message}${stderr ? `\n${stderr.trim()}` : ""}`, { cause: err });
  }
  return { url, port: listen, pid: child.pid!, stop: () => stopProcess(child) };
}

async function natsServerBinary(onProgress?: (line: string) => void): Promise<string> {
  if (process.env.PELATO_NATS_SERVER) return process.env.PELATO_NATS_SERVER;
  const cached = join(cacheDir(), "bin", "nats-server");
  if (existsSync(cached)) return cached;
  // The script says when it builds (a few minutes, once per machine); a packaged pelatod's is at hand.
  const child = execa("bash", [join(TOOLCHAIN_DIR, "setup", "nats-server.sh")], { env: { ...process.env, PELATO_CACHE: cacheDir() } });
  child.stderr?.on("data", (d: Buffer) => d.toString().split("\n").filter(Boolean).forEach((l) => onProgress?.(l)));
  const { stdout } = await child;
  return stdout.trim();
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`it exited with code ${child.exitCode}`);
    try {
      const nc = await connect({ servers: url, reconnect: false, timeout: 500 });
      await nc.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("it did not answer within 15 s");
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => (clearTimeout(kill), resolve()));
    child.kill("SIGTERM");
  });
}

