import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ComponentInstance } from "./instance.js";

/**
 * The HTTP server provider's part: one Node server per port, forwarding each request to the
 * component instance that serves it (the instance's worker runs wasi:http on a port of its own).
 * With several HTTP tasks on one port, the first path segment names the application.
 */
export class HttpFront {
  #servers = new Map<number, Server>();
  #routes = new Map<number, Map<string, () => ComponentInstance | undefined>>();

  constructor(
    private readonly host: string,
    private readonly timeoutMs: number,
    private readonly onIncident: (app: string, message: string) => void,
    private readonly onHandled: (app: string, what: string, ms: number, error?: string) => void = () => {},
  ) {}

  async route(port: number, app: string, instance: () => ComponentInstance | undefined): Promise<void> {
    if (!this.#routes.has(port)) this.#routes.set(port, new Map());
    this.#routes.get(port)!.set(app, instance);
    if (this.#servers.has(port)) return;
    const server = createServer((req, res) => this.#forward(port, req, res));
    this.#servers.set(port, server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, this.host, () => resolve());
    });
  }

  unroute(port: number, app: string): void {
    this.#routes.get(port)?.delete(app);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#servers.values()].map((s) => new Promise((r) => (s.closeAllConnections(), s.close(r)))));
    this.#servers.clear();
  }

  #forward(port: number, req: IncomingMessage, res: ServerResponse): void {
    const routes = this.#routes.get(port) ?? new Map();
    let app = routes.size === 1 ? [...routes.keys()][0] : undefined;
    let path = req.url ?? "/";
    if (routes.size > 1) {
      const [, first = "", ...rest] = path.split("/");
      if (routes.has(first)) {
        app = first;
        path = `/${rest.join("/")}`;
      }
    }
    const instance = app ? routes.get(app)?.() : undefined;
    if (!instance?.httpPort) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`no task serves ${req.url}${routes.size > 1 ? ` (paths start with one of: ${[...routes.keys()].join(", ")})` : ""}\n`);
      return;
    }
    const t0 = performance.now();
    const upstream = request({ host: "127.0.0.1", port: instance.httpPort, method: req.method, path, headers: req.headers, timeout: this.timeoutMs }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
      const status = r.statusCode ?? 502;
      r.once("end", () => this.onHandled(app!, `HTTP ${req.method} ${path} ${status}`, performance.now() - t0, status >= 500 ? `HTTP ${status}` : undefined));
    });
    upstream.on("timeout", () => {
      upstream.destroy();
      if (!res.headersSent) res.writeHead(504, { "content-type": "text/plain" }).end(`${app} did not answer within ${this.timeoutMs} ms\n`);
      this.onIncident(app!, `an HTTP request took longer than ${this.timeoutMs} ms`);
      void instance.recycle(`took longer than ${this.timeoutMs} ms on an HTTP request`);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" }).end(`${app}: ${err.message}\n`);
    });
    req.pipe(upstream);
  }
}
