import { RuntimeFailure } from "../errors.js";

/** Base of every error from the OCI client; the CLI exits 1 on it. */
export class OciError extends RuntimeFailure {}

/** A reference or digest string that does not follow the distribution grammar. */
export class InvalidReferenceError extends OciError {
  constructor(
    readonly reference: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`invalid reference "${reference}": ${detail}`, options);
  }
}

/** No HTTP answer at all: refused, reset past the retry budget, DNS, TLS. */
export class RegistryUnreachableError extends OciError {
  constructor(
    readonly registry: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    const cause = options?.cause;
    const detail = cause instanceof Error ? describeNetworkError(cause) : String(cause);
    super(`cannot reach registry ${registry} (${url}): ${detail}`, options);
  }
}

/** One entry of a distribution-spec error body: {"errors":[{"code","message","detail"}]}. */
export interface RegistryErrorCode {
  code: string;
  message?: string;
}

export interface ResponseErrorFields {
  registry: string;
  repository?: string;
  method: string;
  /** What was asked for, for people: "blob sha256:…", "manifest 1.0.0". */
  what: string;
  status: number;
  codes: RegistryErrorCode[];
  /** A sentence telling the user what to try, appended to the message. */
  hint?: string;
}

/** The registry answered with a status the operation does not accept. */
export class RegistryResponseError extends OciError {
  readonly registry: string;
  readonly repository: string | undefined;
  readonly method: string;
  readonly status: number;
  readonly codes: RegistryErrorCode[];
  constructor(f: ResponseErrorFields, options?: ErrorOptions) {
    super(responseMessage(f), options);
    this.registry = f.registry;
    this.repository = f.repository;
    this.method = f.method;
    this.status = f.status;
    this.codes = f.codes;
  }
}

/** 401: no credentials, or the registry (or its token service) rejected them. */
export class UnauthorizedError extends RegistryResponseError {}
/** 403: authenticated, but not allowed to do this to the repository. */
export class ForbiddenError extends RegistryResponseError {}
/** 404: the repository, blob, manifest or upload session does not exist. */
export class NotFoundError extends RegistryResponseError {}

/** Bytes whose digest differs from the one they were asked for or announced with. */
export class DigestMismatchError extends OciError {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${what}: digest mismatch, expected ${expected} but the content hashes to ${actual}`);
  }
}

/** One or more tasks could not be pushed; `pushed` lists the ones that were, whole. */
export class PushFailedError extends OciError {
  constructor(
    readonly failures: { component: string; error: Error }[],
    readonly pushed: string[],
  ) {
    const lines = failures.map((f) => `${f.component}: ${f.error.message}`);
    const done = pushed.length > 0 ? `\npushed before the failure: ${pushed.join(", ")}` : "\nnothing was pushed";
    super(`push failed for ${failures.length} component${failures.length === 1 ? "" : "s"}:\n${lines.join("\n")}${done}`, { cause: failures[0]?.error });
  }
}

function responseMessage(f: ResponseErrorFields): string {
  const repo = f.repository === undefined ? "" : ` repository "${f.repository}"`;
  const codes = f.codes.map((c) => (c.message ? `${c.code}: ${c.message}` : c.code)).join("; ");
  const verdict = STATUS_WORDS[f.status] ?? `answered ${f.status}`;
  return `registry ${f.registry}${repo}: ${f.method} ${f.what} ${verdict}${codes ? ` (${codes})` : ""}${f.hint ? `; ${f.hint}` : ""}`;
}

const STATUS_WORDS: Record<number, string> = {
  401: "was refused: authentication failed (401)",
  403: "was forbidden (403)",
  404: "was not found (404)",
  429: "was rate-limited (429)",
};

// undici wraps socket errors, and Node reports a failed happy-eyeballs connect as an
// AggregateError with an empty message: the innermost error is what a person can act on.
const TIMEOUTS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: "no connection within the request time-out (REGISTRY_TIMEOUT_S)",
  UND_ERR_HEADERS_TIMEOUT: "no answer within the request time-out (REGISTRY_TIMEOUT_S)",
  UND_ERR_BODY_TIMEOUT: "the answer stopped coming for longer than the request time-out (REGISTRY_TIMEOUT_S)",
};

/** A network failure in words: its code, or for a time-out what ran out. */
export function describeNetworkError(err: Error): string {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  if (e instanceof AggregateError && e.errors[0] instanceof Error) e = e.errors[0] as Error;
  const code = (e as { code?: string }).code;
  if (code && TIMEOUTS[code]) return TIMEOUTS[code];
  const message = e.message || err.message;
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}
