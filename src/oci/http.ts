import { Agent, request, type Dispatcher } from "undici";

// The one interface every layer implements, as oras-go's `Client` (Do(*http.Request)): the
// undici transport at the bottom, then retry, then auth; Repository only sees an HttpClient.

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** The whole body in memory, so that retry and auth can send it again. */
  body?: Uint8Array;
  /** Token scopes the request needs ("repository:name:pull,push"); a hint for AuthClient. */
  scopes?: readonly string[];
}

export interface ResponseBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  /** Discards the rest of the body so the connection can be reused. */
  dump(): Promise<void>;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** Must be read or dumped by whoever ends up holding the response. */
  body: ResponseBody;
}

export interface HttpClient {
  send(req: HttpRequest): Promise<HttpResponse>;
}

/** Redirects followed for GET and HEAD (blob stores often redirect to a signed URL). Default: 5. */
export const MAX_REDIRECTS = 5;

/** Connections kept per registry origin. Default: 8, enough for parallel pushes on 2 cores. */
export const DEFAULT_CONNECTIONS = 8;
/** Longest a request may wait to connect, for its response's headers, or between two chunks of its body. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** The bottom layer: one undici request per send. Close it when done to free its sockets. */
export class UndiciClient implements HttpClient {
  readonly #dispatcher: Dispatcher;
  readonly #owned: boolean;
  constructor(dispatcher?: Dispatcher, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) {
    this.#owned = dispatcher === undefined;
    this.#dispatcher = dispatcher ?? new Agent({ connections: DEFAULT_CONNECTIONS, keepAliveTimeout: 10_000, connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = req.headers ?? {};
    for (let hop = 0; ; hop++) {
      const res = await request(url, { dispatcher: this.#dispatcher, method: req.method, headers, body: req.body });
      const location = res.headers.location;
      const redirect = res.statusCode >= 300 && res.statusCode < 400 && typeof location === "string" && (req.method === "GET" || req.method === "HEAD");
      if (!redirect || hop >= MAX_REDIRECTS) return { status: res.statusCode, headers: flatten(res.headers), body: wrap(res.body) };
      await res.body.dump();
      const next = new URL(location, url);
      // Credentials are for the registry: never forward them to another origin (a storage bucket).
      if (next.origin !== new URL(url).origin) headers = withoutAuthorization(headers);
      url = next.href;
    }
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#dispatcher.close();
  }
}

function wrap(body: Dispatcher.ResponseData["body"]): ResponseBody {
  return {
    text: () => body.text(),
    bytes: async () => new Uint8Array(await body.arrayBuffer()),
    dump: () => body.dump({ limit: 1 << 20 }),
    [Symbol.asyncIterator]: () => body[Symbol.asyncIterator](),
  };
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
}

/** A response built in memory: for tests and for layers that answer without the network. */
export function memoryResponse(status: number, headers: Record<string, string> = {}, body: Uint8Array | string = ""): HttpResponse {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return {
    status,
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: {
      text: async () => new TextDecoder().decode(bytes),
      bytes: async () => bytes,
      dump: async () => {},
      async *[Symbol.asyncIterator]() {
        yield bytes;
      },
    },
  };
}
