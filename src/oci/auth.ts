import { isLoopbackHost } from "../loopback.js";
import { OciError } from "./errors.js";
import { parseWwwAuthenticate, type Challenge } from "./challenge.js";
import type { Credential, CredentialLookup } from "./credentials.js";
import type { HttpClient, HttpRequest, HttpResponse } from "./http.js";
import { expect, send } from "./response.js";

// Strategy, as oras-go auth.Client: send; on 401 read the challenge and remember it per host;
// Basic → the credential; Bearer → a token from the realm for the request's scopes, cached per
// (realm, service, scopes) until it expires. Later requests to a known host are authorized up
// front, so a push pays the 401 round trip once, not once per request.
// Ref: distribution "Token Authentication Specification" (docs/spec/auth/token.md).

export interface AuthClientOptions {
  base: HttpClient;
  /** Default: anonymous. */
  credential?: CredentialLookup;
  /** Clock for token expiry. Default: Date.now. */
  now?: () => number;
  /** Hosts, other than the registry's, whose token service may receive its credentials. */
  tokenHosts?: readonly string[];
}

interface Token {
  value: string;
  expiresAt: number;
}

/** Token lifetime when the token service does not say (token.md: "defaults to 60 seconds"). */
export const DEFAULT_TOKEN_SECONDS = 60;
/** Renew a token this long before it expires, so it does not lapse in flight. */
const EXPIRY_MARGIN_MS = 5_000;

export class AuthClient implements HttpClient {
  readonly #base: HttpClient;
  readonly #credential: CredentialLookup;
  readonly #now: () => number;
  readonly #challenges = new Map<string, Challenge>();
  readonly #tokens = new Map<string, Promise<Token>>();
  readonly #tokenHosts: readonly string[];

  constructor(o: AuthClientOptions) {
    this.#base = o.base;
    this.#credential = o.credential ?? (() => undefined);
    this.#now = o.now ?? Date.now;
    this.#tokenHosts = (o.tokenHosts ?? []).map((h) => h.toLowerCase());
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const host = new URL(req.url).host;
    const known = this.#challenges.get(host);
    const scopes = [...(req.scopes ?? [])];
    const first = known ? await this.#authorization(host, known, scopes) : undefined;
    const res = await this.#base.send(withAuthorization(req, first));
    if (res.status !== 401) return res;

    const challenge = pick(parseWwwAuthenticate(res.headers["www-authenticate"]));
    const credential = this.#credential(host);
    // Basic: what was just refused would be refused again; without a credential there is nothing to try.
    if (!challenge || (challenge.scheme === "basic" && (first !== undefined || !credential))) return res;
    await res.body.dump();
    this.#challenges.set(host, challenge);
    // A first, unauthorized try asks with the caller's scopes (they name exactly what it will do,
    // so one token serves the whole repository); scopes that were sent and refused grow by the challenge's.
    const wanted = first === undefined && scopes.length > 0 ? scopes : mergeScopes(scopes, challenge.params.scope);
    // A token we sent and saw refused (expired early, revoked) is not asked for from the cache again.
    if (challenge.scheme === "bearer" && first !== undefined) this.#tokens.delete(tokenKey(challenge, wanted));
    return this.#base.send(withAuthorization(req, await this.#authorization(host, challenge, wanted)));
  }

  async #authorization(host: string, challenge: Challenge, scopes: string[]): Promise<string | undefined> {
    const credential = this.#credential(host);
    if (challenge.scheme === "basic") return credential ? basic(credential) : undefined;
    const key = tokenKey(challenge, scopes);
    let pending = this.#tokens.get(key);
    if (pending) {
      const token = await pending.catch(() => undefined);
      if (token && token.expiresAt > this.#now()) return `Bearer ${token.value}`;
      if (this.#tokens.get(key) === pending) this.#tokens.delete(key);
    }
    pending = this.#tokens.get(key) ?? this.#fetchToken(host, challenge, scopes, credential);
    this.#tokens.set(key, pending);
    return `Bearer ${(await pending).value}`;
  }

  // GET realm?service=…&scope=…, with Basic credentials when there are any (token.md
  // "Requesting a Token"). The OAuth2 POST form with refresh tokens is not implemented.
  async #fetchToken(host: string, challenge: Challenge, scopes: string[], credential: Credential | undefined): Promise<Token> {
    const realm = challenge.params.realm;
    const repository = scopes.map((s) => s.split(":")[1]).find(Boolean);
    const ctx = {
      registry: host,
      ...(repository ? { repository } : {}),
      unauthorizedHint: credential ? `the token service refused user "${credential.username}" (from ${credential.source})` : "the token service requires credentials: set REGISTRY_USER and REGISTRY_PASSWORD or log in with docker login",
    };
    if (!realm) throw new OciError(`registry ${host} asked for a bearer token but named no realm to get it from`);
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new OciError(`registry ${host} named a token service that is not a URL`);
    }
    const refused = credential ? realmRefusal(url, host, this.#tokenHosts) : undefined;
    if (refused) throw new OciError(`registry ${host} asks for its tokens at ${url.origin}, ${refused}: pelatod did not send it your credentials (from ${credential!.source})`);
    if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
    for (const scope of scopes) url.searchParams.append("scope", scope);
    const headers: Record<string, string> = credential ? { authorization: basic(credential) } : {};
    const res = await expect(await send(this.#base, { method: "GET", url: url.href, headers }, ctx), [200], ctx, "GET", `token from ${url.origin}${url.pathname}`);
    const body = JSON.parse(await res.body.text()) as { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    const value = body.token ?? body.access_token;
    if (!value) throw new OciError(`the token service of registry ${host} (${url.origin}${url.pathname}) answered without a token`);
    const issued = body.issued_at ? Date.parse(body.issued_at) : NaN;
    const start = Number.isNaN(issued) ? this.#now() : Math.min(issued, this.#now());
    return { value, expiresAt: start + (body.expires_in ?? DEFAULT_TOKEN_SECONDS) * 1000 - EXPIRY_MARGIN_MS };
  }
}

/** Docker Hub's registry hosts hand out tokens from auth.docker.io. */
const KNOWN_TOKEN_HOSTS: Record<string, string> = { "registry-1.docker.io": "auth.docker.io", "docker.io": "auth.docker.io", "index.docker.io": "auth.docker.io" };

/**
 * Why a token realm may not receive the registry's credentials, or undefined when it may: plain
 * http carries the password in clear text (loopback excepted), and another host than the
 * registry's must be one the user allowed (REGISTRY_TOKEN_HOSTS) or Docker Hub's own.
 */
export function realmRefusal(realm: URL, registryHost: string, allowed: readonly string[]): string | undefined {
  const registryName = new URL(`http://${registryHost}`).hostname.toLowerCase();
  const realmName = realm.hostname.toLowerCase();
  if (realm.protocol === "http:" && !isLoopbackHost(realmName)) return "over plain http, where the password would travel in clear text";
  if (realm.protocol !== "http:" && realm.protocol !== "https:") return `over ${realm.protocol}, which is not http`;
  if (realmName === registryName || KNOWN_TOKEN_HOSTS[registryName] === realmName || allowed.includes(realmName)) return undefined;
  return `another host than the registry's (set REGISTRY_TOKEN_HOSTS=${realmName} if you trust it with them)`;
}

/** Bearer is preferred to Basic when a registry offers both; other schemes are not spoken. */
function pick(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

/** The request's scopes plus the challenge's (space-separated), deduplicated and sorted. */
export function mergeScopes(hints: readonly string[], challenged: string | undefined): string[] {
  return [...new Set([...hints, ...(challenged ? challenged.split(" ").filter(Boolean) : [])])].sort();
}

function tokenKey(c: Challenge, scopes: readonly string[]): string {
  return JSON.stringify([c.params.realm ?? "", c.params.service ?? "", [...scopes].sort()]);
}

function basic(c: Credential): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password.reveal()}`).toString("base64")}`;
}

function withAuthorization(req: HttpRequest, authorization: string | undefined): HttpRequest {
  return authorization === undefined ? req : { ...req, headers: { ...req.headers, authorization } };
}
