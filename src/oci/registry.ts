import { createClientStack, type ClientStackOptions } from "./client.js";
import { ANONYMOUS, type CredentialLookup } from "./credentials.js";
import type { HttpClient } from "./http.js";
import { isLoopback, validateRepository } from "./reference.js";
import { Repository, type RepositoryOptions } from "./repository.js";
import { expect, send, type CallContext } from "./response.js";

export interface RegistryOptions extends ClientStackOptions {
  /** host[:port], e.g. "ghcr.io" or "127.0.0.1:5000". */
  registry: string;
  /** Plain http instead of https. Default: true for loopback hosts, false otherwise. */
  plainHttp?: boolean;
  /** Default: createClientStack(this options). A given client is not closed by close(). */
  client?: HttpClient;
}

/** One registry: its base URL, the client stack that talks to it, and its repositories. */
export class Registry {
  readonly name: string;
  readonly baseUrl: string;
  readonly client: HttpClient;
  readonly #credential: CredentialLookup;
  readonly #close: () => Promise<void>;

  constructor(o: RegistryOptions) {
    this.name = o.registry;
    this.baseUrl = `${o.plainHttp ?? isLoopback(o.registry) ? "http" : "https"}://${o.registry}`;
    this.#credential = o.credential ?? ANONYMOUS;
    if (o.client) {
      this.client = o.client;
      this.#close = async () => {};
    } else {
      const stack = createClientStack(o);
      this.client = stack.client;
      this.#close = stack.close;
    }
  }

  /** Checks that the registry speaks the distribution API and accepts us: GET /v2/ must be 200. */
  async ping(): Promise<void> {
    const ctx = this.context();
    await (await expect(await send(this.client, { method: "GET", url: `${this.baseUrl}/v2/` }, ctx), [200], ctx, "GET", "/v2/")).body.dump();
  }

  repository(name: string, o: RepositoryOptions = {}): Repository {
    return new Repository(this, validateRepository(name), o);
  }

  /** Names the registry, the repository, and after a 401 the credential that was used. */
  context(repository?: string): CallContext {
    const c = this.#credential(this.name);
    return {
      registry: this.name,
      ...(repository !== undefined ? { repository } : {}),
      unauthorizedHint: c
        ? `check the password of user "${c.username}" (from ${c.source})`
        : "no credentials were given: set REGISTRY_USER and REGISTRY_PASSWORD, or log in with docker login",
    };
  }

  async close(): Promise<void> {
    await this.#close();
  }
}
