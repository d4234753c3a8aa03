import { digester, digestOf, validateDigest } from "./digest.js";
import { DigestMismatchError, OciError } from "./errors.js";
import type { HttpMethod, HttpRequest, HttpResponse } from "./http.js";
import { MANIFEST_ACCEPT, type Blob, type Descriptor } from "./media-types.js";
import type { Registry } from "./registry.js";
import { expect, send, type CallContext } from "./response.js";
import type { FetchedManifest, Target } from "./target.js";
import { uploadBlob } from "./upload.js";

export interface RepositoryOptions {
  /** Ask for push rights up front (token scope "pull,push"), so one token serves every call. Default: false. */
  push?: boolean;
  /** Blobs up to this size go up in one PUT; larger ones in chunks. Default: 64 MiB. */
  monolithicMaxBytes?: number;
  /** Size of each PATCH of a chunked upload. Default: 16 MiB. */
  chunkBytes?: number;
}

export type ResolvedRepositoryOptions = Required<RepositoryOptions>;

export const DEFAULT_MONOLITHIC_MAX_BYTES = 64 << 20;
export const DEFAULT_CHUNK_BYTES = 16 << 20;
/** Manifests are small; a larger answer is refused rather than held in memory. */
const MAX_MANIFEST_BYTES = 4 << 20;

export function resolveRepositoryOptions(o: RepositoryOptions = {}): ResolvedRepositoryOptions {
  const r = { push: false, monolithicMaxBytes: DEFAULT_MONOLITHIC_MAX_BYTES, chunkBytes: DEFAULT_CHUNK_BYTES, ...o };
  if (!(r.chunkBytes > 0) || !(r.monolithicMaxBytes >= 0)) throw new OciError("chunkBytes must be positive and monolithicMaxBytes not negative");
  return r;
}

/** One repository of a registry: the distribution-spec calls on /v2/<name>/. */
export class Repository implements Target {
  readonly location: string;
  readonly options: ResolvedRepositoryOptions;
  constructor(
    readonly registry: Registry,
    readonly name: string,
    o: RepositoryOptions = {},
  ) {
    this.location = `${registry.name}/${name}`;
    this.options = resolveRepositoryOptions(o);
  }

  /** The token scope this repository's calls ask for. */
  get scope(): string {
    return `repository:${this.name}:${this.options.push ? "pull,push" : "pull"}`;
  }

  get context(): CallContext {
    return this.registry.context(this.name);
  }

  /** Sends a request to /v2/<name>/<path> (or an absolute upload URL) with this repository's scope. */
  call(method: HttpMethod, path: string, extra: Omit<HttpRequest, "method" | "url"> = {}): Promise<HttpResponse> {
    const url = /^https?:\/\//.test(path) ? path : new URL(path, `${this.registry.baseUrl}/v2/${this.name}/`).href;
    return send(this.registry.client, { method, url, scopes: [this.scope], ...extra }, this.context);
  }

  // Ref: distribution-spec "Checking if content exists in the registry": HEAD, 200 or 404.
  async blobExists(digest: string): Promise<boolean> {
    const res = await this.call("HEAD", `blobs/${validateDigest(digest)}`);
    await res.body.dump();
    if (res.status === 404) return false;
    await expect(res, [200], this.context, "HEAD", `blob ${digest}`);
    return true;
  }

  pushBlob(blob: Blob, o: { mountFrom?: string } = {}): Promise<"uploaded" | "mounted"> {
    return uploadBlob(this, blob, o);
  }

  /** Streams a blob, hashing as it comes; throws DigestMismatchError when it is not what was asked for. */
  async fetchBlob(descriptor: Descriptor | string): Promise<Uint8Array> {
    const d = typeof descriptor === "string" ? { digest: descriptor, size: -1 } : descriptor;
    const what = `blob ${d.digest}`;
    const res = await expect(await this.call("GET", `blobs/${validateDigest(d.digest)}`), [200], this.context, "GET", what);
    const hash = digester(d.digest);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      hash.update(chunk);
      chunks.push(chunk);
      size += chunk.length;
    }
    const actual = hash.digest();
    if (actual !== d.digest) throw new DigestMismatchError(`${this.location} ${what}`, d.digest, actual);
    if (d.size >= 0 && size !== d.size) throw new OciError(`${this.location} ${what}: expected ${d.size} bytes, got ${size}`);
    const whole = Buffer.concat(chunks);
    return new Uint8Array(whole.buffer, whole.byteOffset, whole.length);
  }

  // HEAD answers with Docker-Content-Digest; a registry that leaves it out is asked with GET.
  async resolve(reference: string): Promise<Descriptor | undefined> {
    const res = await this.call("HEAD", `manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT.join(", ") } });
    await res.body.dump();
    if (res.status === 404) return undefined;
    await expect(res, [200], this.context, "HEAD", `manifest ${reference}`);
    const digest = res.headers["docker-content-digest"];
    if (!digest) return (await this.fetchManifest(reference)).descriptor;
    return { mediaType: mediaTypeOf(res), digest, size: Number(res.headers["content-length"] ?? -1) };
  }

  async fetchManifest(reference: string): Promise<FetchedManifest> {
    const what = `manifest ${reference}`;
    const res = await expect(await this.call("GET", `manifests/${reference}`, { headers: { accept: MANIFEST_ACCEPT.join(", ") } }), [200], this.context, "GET", what);
    const bytes = await res.body.bytes();
    if (bytes.length > MAX_MANIFEST_BYTES) throw new OciError(`${this.location} ${what}: larger than ${MAX_MANIFEST_BYTES} bytes`);
    // By digest, the content must hash to it; by tag, to what the registry says it is.
    const expected = reference.includes(":") ? reference : res.headers["docker-content-digest"];
    const actual = digestOf(bytes, expected ?? "sha256:");
    if (expected !== undefined && actual !== expected) throw new DigestMismatchError(`${this.location} ${what}`, expected, actual);
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as FetchedManifest["manifest"];
    return { descriptor: { mediaType: manifest.mediaType ?? mediaTypeOf(res), digest: actual, size: bytes.length }, bytes, manifest };
  }

  // Ref: distribution-spec "Pushing Manifests": PUT /v2/<name>/manifests/<reference>, 201.
  async pushManifest(reference: string, manifest: Blob): Promise<Descriptor> {
    const d = manifest.descriptor;
    const actual = digestOf(manifest.bytes, d.digest);
    if (actual !== d.digest) throw new DigestMismatchError(`${this.location} manifest ${reference}`, d.digest, actual);
    const what = `manifest ${reference}`;
    const res = await expect(await this.call("PUT", `manifests/${reference}`, { headers: { "content-type": d.mediaType }, body: manifest.bytes }), [201], this.context, "PUT", what);
    await res.body.dump();
    const stored = res.headers["docker-content-digest"];
    if (stored !== undefined && stored !== d.digest) throw new DigestMismatchError(`${this.location} ${what} as stored by the registry`, d.digest, stored);
    return d;
  }
}

function mediaTypeOf(res: HttpResponse): string {
  return (res.headers["content-type"] ?? "").split(";")[0]!.trim();
}
