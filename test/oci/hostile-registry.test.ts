// Registries that try to take credentials elsewhere: an upload Location on another host, a token
// realm on another host. Each hostile part is a loopback HTTP server written for the test
// (127.0.0.1 the registry, 127.0.0.2 the other host) that records every Authorization it gets.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Secret } from "../../src/config/secret.js";
import { DEFAULT_RETRY_POLICY, pushComponents, realmRefusal, type PushOptions } from "../../src/oci/index.js";
import { componentItems } from "./helpers/component.js";
import { execa } from "execa";
import { CLI, EXAMPLE, tempProject } from "../helpers/project.js";

const USER = "alice";
const PASSWORD = "pa55-for-127.0.0.1-only";
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
let tmp: string;
before(() => (tmp = mkdtempSync(join(tmpdir(), "pelato-hostile-"))));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Listening {
  port: number;
  /** Every Authorization header received, "" for none. */
  seen: string[];
  close(): Promise<void>;
}

async function listen(host: string, handle: (req: IncomingMessage, res: ServerResponse, port: number) => void): Promise<Listening> {
  const seen: string[] = [];
  let port = 0;
  const server: Server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? "");
    req.resume();
    req.on("end", () => handle(req, res, port));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  port = (server.address() as { port: number }).port;
  return { port, seen, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

const options = (registry: string, extra: { tokenHosts?: string[] } = {}): PushOptions => ({
  registry: { url: registry, configured: true, insecure: true, user: USER, password: new Secret(PASSWORD), ...extra },
  projectDir: tmp,
  env: { SOURCE_DATE_EPOCH: "1700000000" },
  dockerConfig: join(tmp, "no-docker-config.json"),
  client: { retry: { ...DEFAULT_RETRY_POLICY, maxRetries: 0 } },
});

/** Answers like a registry that wants Basic credentials and accepts alice's; uploads go to `location`. */
function basicRegistry(location: (port: number) => string) {
  return (req: IncomingMessage, res: ServerResponse, port: number) => {
    if (req.headers.authorization !== BASIC) return void res.writeHead(401, { "www-authenticate": 'Basic realm="registry"' }).end();
    if (req.method === "POST" && /\/blobs\/uploads\/$/.test(req.url ?? "")) return void res.writeHead(202, { location: location(port), "docker-upload-uuid": "u1" }).end();
    if (req.url === "/v2/") return void res.writeHead(200).end("{}");
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "unknown" }] }));
  };
}

test("an upload Location on another host gets no credentials: REGISTRY_USER belongs to REGISTRY_URL's host", async () => {
  const other = await listen("127.0.0.2", (_req, res) => void res.writeHead(401, { "www-authenticate": 'Basic realm="other"' }).end());
  const registry = await listen("127.0.0.1", basicRegistry(() => `http://127.0.0.2:${other.port}/upload/u1`));
  try {
    const items = componentItems(join(tmp, "loc"), [{ component: "loc" }]);
    await assert.rejects(pushComponents(items, options(`127.0.0.1:${registry.port}`)), (e: Error) => !e.message.includes(PASSWORD));
    assert.ok(registry.seen.includes(BASIC), "the registry itself got the credentials");
    assert.ok(other.seen.length > 0, "the push followed the Location");
    assert.deepEqual(other.seen.filter((a) => a !== ""), [], "the other host got an Authorization header");
  } finally {
    await registry.close();
    await other.close();
  }
});

test("a token realm on another host gets no credentials unless REGISTRY_TOKEN_HOSTS names it; the error says why", async () => {
  const tokens = await listen("127.0.0.2", (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: "t0k" })));
  const registry = await listen("127.0.0.1", (req, res) => {
    if (req.headers.authorization !== "Bearer t0k") return void res.writeHead(401, { "www-authenticate": `Bearer realm="http://127.0.0.2:${tokens.port}/token",service="reg"` }).end();
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: [{ code: "BLOB_UNKNOWN", message: "unknown" }] }));
  });
  try {
    const items = componentItems(join(tmp, "realm"), [{ component: "realm" }]);
    await assert.rejects(pushComponents(items, options(`127.0.0.1:${registry.port}`)), (e: Error) => {
      assert.match(e.message, /asks for its tokens at http:\/\/127\.0\.0\.2:\d+, another host than the registry's \(set REGISTRY_TOKEN_HOSTS=127\.0\.0\.2/);
      assert.match(e.message, /did not send it your credentials \(from REGISTRY_USER\)/);
      return !e.message.includes(PASSWORD);
    });
    assert.equal(tokens.seen.length, 0, "the token service was not even asked");
    // Allowed: it gets them (and the push then goes on, into the registry's 404s).
    await assert.rejects(pushComponents(items, options(`127.0.0.1:${registry.port}`, { tokenHosts: ["127.0.0.2"] })));
    assert.ok(tokens.seen.includes(BASIC), JSON.stringify(tokens.seen));
  } finally {
    await registry.close();
    await tokens.close();
  }
});

test("realmRefusal: plain http only to loopback; other hosts only when allowed, or Docker Hub's own", () => {
  const realm = (u: string) => new URL(u);
  assert.match(realmRefusal(realm("http://auth.example.com/token"), "reg.example.com", ["auth.example.com"])!, /plain http/);
  assert.equal(realmRefusal(realm("http://127.0.0.1:5001/token"), "127.0.0.1:5000", []), undefined);
  assert.match(realmRefusal(realm("http://127.evil.example/token"), "127.0.0.1:5000", ["127.evil.example"])!, /plain http/, "a name that starts like loopback is not loopback");
  assert.equal(realmRefusal(realm("https://reg.example.com/token"), "reg.example.com:443", []), undefined);
  assert.match(realmRefusal(realm("https://evil.example.net/token"), "reg.example.com", [])!, /another host/);
  assert.equal(realmRefusal(realm("https://auth.example.com/token"), "reg.example.com", ["auth.example.com"]), undefined);
  assert.equal(realmRefusal(realm("https://auth.docker.io/token"), "registry-1.docker.io", []), undefined);
  assert.match(realmRefusal(realm("ftp://reg.example.com/token"), "reg.example.com", [])!, /not http/);
});

test("a registry that accepts the connection and never answers: push prints each retry and ends at its deadline with a clear error", { timeout: 300_000 }, async () => {
  const sockets = new Set<Socket>();
  const silent = createTcpServer((socket) => void sockets.add(socket));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const p = tempProject({}, EXAMPLE);
  try {
    const port = (silent.address() as { port: number }).port;
    const env = { REGISTRY_URL: `127.0.0.1:${port}`, REGISTRY_TIMEOUT_S: "1", REGISTRY_DEADLINE_S: "4", PELATO_TOOLCHAIN: "go" };
    // Run without blocking this process: the silent server's accepts happen here.
    const r = await execa(process.execPath, [CLI, "push", p.dir, "--toolchain", "go"], { env: { ...process.env, NO_COLOR: "1", ...env }, reject: false });
    assert.equal(r.exitCode, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /retry 1: \w+ \/v2\/\S* \(no answer within the request time-out \(REGISTRY_TIMEOUT_S\)\)/);
    assert.match(r.stderr, /error: .*cannot reach registry 127\.0\.0\.1:\d+ .*no answer within the request time-out \(REGISTRY_TIMEOUT_S\)/);
    assert.ok(sockets.size > 0, "it did connect");
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
    p.cleanup();
  }
});
