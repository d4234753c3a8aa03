import type { Dispatcher } from "undici";
import { AuthClient } from "./auth.js";
import type { CredentialLookup } from "./credentials.js";
import { UndiciClient, type HttpClient } from "./http.js";
import { DEFAULT_RETRY_POLICY, RetryClient, type RetryClientOptions, type RetryPolicy } from "./retry.js";

export interface ClientStackOptions {
  /** Default: anonymous. */
  credential?: CredentialLookup;
  /** Default: DEFAULT_RETRY_POLICY. */
  retry?: RetryPolicy;
  /** Default: a fresh undici Agent, closed by close(). */
  dispatcher?: Dispatcher;
  onRetry?: RetryClientOptions["onRetry"];
  /** Token services on another host than the registry's that may receive its credentials (REGISTRY_TOKEN_HOSTS). */
  tokenHosts?: readonly string[];
  /** Connect, headers and body time-out of each request (REGISTRY_TIMEOUT_S). Default: DEFAULT_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * The default stack, as oras-go's auth.DefaultClient over retry.DefaultClient: auth on top (so a
 * retried request keeps its token), retry under it, undici at the bottom.
 */
export function createClientStack(o: ClientStackOptions = {}): { client: HttpClient; close: () => Promise<void> } {
  const transport = new UndiciClient(o.dispatcher, o.timeoutMs);
  const retrying = new RetryClient({ base: transport, policy: o.retry ?? DEFAULT_RETRY_POLICY, ...(o.onRetry ? { onRetry: o.onRetry } : {}) });
  const client = new AuthClient({ base: retrying, ...(o.credential ? { credential: o.credential } : {}), ...(o.tokenHosts ? { tokenHosts: o.tokenHosts } : {}) });
  return { client, close: () => transport.close() };
}
