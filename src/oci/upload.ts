import { digestOf } from "./digest.js";
import { DigestMismatchError, OciError } from "./errors.js";
import type { HttpResponse } from "./http.js";
import type { Blob } from "./media-types.js";
import type { Repository } from "./repository.js";
import { expect, responseError } from "./response.js";

// Ref: distribution-spec v1.1 "Pushing blobs": every upload opens a session with POST, which
// answers 202 and a Location; the bytes then go in one PUT (monolithic) or several PATCHes
// with Content-Range and a closing PUT (chunked). POST first, so that a refused credential
// fails before a large body is streamed.

/** Uploads a blob unless a cross-repository mount (POST ?mount=&from=, 201) makes it unnecessary. */
export async function uploadBlob(repo: Repository, blob: Blob, o: { mountFrom?: string }): Promise<"uploaded" | "mounted"> {
  const d = blob.descriptor;
  const actual = digestOf(blob.bytes, d.digest);
  if (actual !== d.digest) throw new DigestMismatchError(`${repo.location} blob upload`, d.digest, actual);
  if (blob.bytes.length !== d.size) throw new OciError(`${repo.location} blob ${d.digest}: descriptor says ${d.size} bytes, content has ${blob.bytes.length}`);

  let session: HttpResponse | undefined;
  if (o.mountFrom !== undefined && o.mountFrom !== repo.name) session = await tryMount(repo, d.digest, o.mountFrom);
  if (session?.status === 201) {
    await session.body.dump();
    return "mounted";
  }
  session ??= await repo.call("POST", "blobs/uploads/");
  await expect(session, [202], repo.context, "POST", `blob upload ${d.digest}`);
  await session.body.dump();
  let location = locationOf(repo, session);
  if (blob.bytes.length > repo.options.monolithicMaxBytes) location = await patchChunks(repo, location, blob);
  const body = blob.bytes.length > repo.options.monolithicMaxBytes ? new Uint8Array(0) : blob.bytes;
  const put = await repo.call("PUT", withDigest(location, d.digest), { headers: { "content-type": "application/octet-stream" }, body });
  await expect(put, [201], repo.context, "PUT", `blob ${d.digest}`);
  await put.body.dump();
  return "uploaded";
}

// A registry that cannot mount (the source is unknown, or not readable with our token) answers
// 202 with an ordinary upload session, which is used as is; 401/403 falls back to a plain POST.
async function tryMount(repo: Repository, digest: string, from: string): Promise<HttpResponse | undefined> {
  const query = `blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
  const res = await repo.call("POST", query, { scopes: [repo.scope, `repository:${from}:pull`] });
  if (res.status === 201 || res.status === 202) return res;
  if (res.status === 401 || res.status === 403) {
    await res.body.dump();
    return undefined;
  }
  throw await responseError(res, repo.context, "POST", `mount of ${digest} from ${from}`);
}

async function patchChunks(repo: Repository, location: string, blob: Blob): Promise<string> {
  const { chunkBytes } = repo.options;
  for (let start = 0; start < blob.bytes.length; start += chunkBytes) {
    const chunk = blob.bytes.subarray(start, Math.min(blob.bytes.length, start + chunkBytes));
    const headers = { "content-type": "application/octet-stream", "content-range": `${start}-${start + chunk.length - 1}` };
    const res = await repo.call("PATCH", location, { headers, body: chunk });
    await expect(res, [202], repo.context, "PATCH", `blob chunk ${start}-${start + chunk.length - 1} of ${blob.descriptor.digest}`);
    await res.body.dump();
    location = locationOf(repo, res);
  }
  return location;
}

/** The session URL of an upload answer; it may be relative to the registry. */
function locationOf(repo: Repository, res: HttpResponse): string {
  const location = res.headers.location;
  if (!location) throw new OciError(`registry ${repo.registry.name} repository "${repo.name}": upload answer has no Location header`);
  return new URL(location, repo.registry.baseUrl).href;
}

// Appended by hand, not with URLSearchParams: the session's own query (_state=…) goes back byte for byte.
function withDigest(location: string, digest: string): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}
