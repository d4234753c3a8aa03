import { createServer, request, type IncomingMessage, type Server } from "node:http";
import { freePort } from "./registry.js";

// A reverse proxy in front of a real registry that misbehaves on purpose. The Host header is
// passed through, so the registry's absolute upload Locations point back at the proxy.

export type Fault = { status: number; headers?: Record<string, string> } | "reset" | "corrupt" | undefined;

export interface SeenRequest {
  method: string;
  path: string;
  fault: Fault;
}

export interface FaultProxy {
  host: string;
  seen: SeenRequest[];
  /** Chooses a fault for each request; `n` counts earlier requests with the same method and path kind. */
  rule: (req: { method: string; path: string }, n: number) => Fault;
  /** No faults, nothing seen, counts from zero. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const port = await freePort();
  const counts = new Map<string, number>();
  const proxy: FaultProxy = {
    host: `127.0.0.1:${port}`,
    seen: [],
    rule: () => undefined,
    reset: () => {
      proxy.rule = () => undefined;
      proxy.seen.length = 0;
      counts.clear();
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const [upHost, upPort] = upstream.split(":");
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    const key = `${req.method} ${kind(path)}`;
    const n = counts.get(key) ?? 0;
    counts.set(key, n + 1);
    const fault = proxy.rule({ method: req.method ?? "GET", path }, n);
    proxy.seen.push({ method: req.method ?? "GET", path, fault });
    if (fault === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault !== undefined && fault !== "corrupt") {
      req.resume();
      req.on("end", () => res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers }).end(JSON.stringify({ errors: [{ code: "INJECTED", message: "fault injected by the test proxy" }] })));
      return;
    }
    const up = request({ host: upHost, port: Number(upPort), method: req.method, path, headers: req.headers }, (upRes: IncomingMessage) => {
      if (fault === "corrupt") {
        const chunks: Buffer[] = [];
        upRes.on("data", (c: Buffer) => chunks.push(c));
        upRes.on("end", () => {
          const body = Buffer.concat(chunks);
          if (body.length > 0) body[body.length >> 1] = body[body.length >> 1]! ^ 0xff;
          res.writeHead(upRes.statusCode ?? 502, upRes.headers).end(body);
        });
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on("error", () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return proxy;
}

/** "/v2/x/blobs/uploads/<uuid>?…" → "blobs/uploads": so that n counts per kind of call. */
export function kind(path: string): string {
  const p = path.split("?")[0]!;
  if (p === "/v2/") return "v2";
  const m = /\/(blobs\/uploads|blobs|manifests)\//.exec(p);
  return m ? m[1]! : p;
}
