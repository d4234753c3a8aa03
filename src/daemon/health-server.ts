import { createServer, type Server } from "node:http";
import { RuntimeFailure } from "../errors.js";
import type { DaemonMetrics } from "./metrics.js";

export interface Health {
  ok: boolean;
  [detail: string]: unknown;
}

/** /metrics (Prometheus text) and /healthz (200 or 503, JSON) on a loopback address. */
export async function startHealthServer(addr: { host: string; port: number }, metrics: DaemonMetrics, health: () => Health): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return void res.writeHead(405, { allow: "GET" }).end();
    if (path === "/metrics") {
      void metrics.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500).end(err.message),
      );
      return;
    }
    if (path === "/healthz") {
      const h = health();
      return void res.writeHead(h.ok ? 200 : 503, { "content-type": "application/json" }).end(`${JSON.stringify(h)}\n`);
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics or /healthz\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(new RuntimeFailure(`cannot serve /metrics on ${addr.host}:${addr.port}: ${err.code === "EADDRINUSE" ? "the port is in use (set PELATO_METRICS to another loopback port, or off)" : err.message}`, { cause: err })),
    );
    server.listen(addr.port, addr.host, resolve);
  });
  const port = (server.address() as { port: number }).port;
  const host = addr.host.includes(":") ? `[${addr.host}]` : addr.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
