import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { digestOf, validateDigest } from "./digest.js";
import { DigestMismatchError, NotFoundError, OciError } from "./errors.js";
import { ANNOTATION, OCI_INDEX, type Blob, type Descriptor } from "./media-types.js";
import type { FetchedManifest, Target } from "./target.js";

// An OCI image layout folder (image-spec image-layout.md): `oci-layout`, `index.json` and
// content-addressed `blobs/<alg>/<hex>`, holding one repository whose entries are named by tag.
// It is what push writes when no registry is configured, one per component; skopeo reads it as
// `oci:<dir>:<tag>`, oras as `--oci-layout <dir>:<tag>` (oras splits at the last colon, so a
// name holding a colon itself, as `component:tag` did, cannot be addressed). Every file is
// written to a temporary name and renamed, so a reader never sees half a blob or half an index.

export const LAYOUT_VERSION = "1.0.0";

interface Index {
  schemaVersion: 2;
  mediaType: typeof OCI_INDEX;
  manifests: Descriptor[];
}

export class OciLayout {
  constructor(readonly dir: string) {
    mkdirSync(join(dir, "blobs"), { recursive: true });
    if (!existsSync(join(dir, "oci-layout"))) atomicWrite(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
    if (!existsSync(join(dir, "index.json"))) this.writeIndex({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  }

  /** The layout as a push/pull target: its tags are the entries' ref names. */
  target(): Target {
    return new LayoutRepository(this);
  }

  blobPath(digest: string): string {
    const d = validateDigest(digest);
    return join(this.dir, "blobs", d.slice(0, d.indexOf(":")), d.slice(d.indexOf(":") + 1));
  }

  hasBlob(d: Pick<Descriptor, "digest"> & { size?: number }): boolean {
    try {
      const st = statSync(this.blobPath(d.digest));
      return d.size === undefined || st.size === d.size;
    } catch {
      return false;
    }
  }

  writeBlob(blob: Blob): void {
    const actual = digestOf(blob.bytes, blob.descriptor.digest);
    if (actual !== blob.descriptor.digest) throw new DigestMismatchError(`${this.dir} blob`, blob.descriptor.digest, actual);
    if (!this.hasBlob(blob.descriptor)) atomicWrite(this.blobPath(actual), blob.bytes);
  }

  readBlob(d: Descriptor | string): Uint8Array {
    const digest = typeof d === "string" ? d : d.digest;
    let bytes: Uint8Array;
    try {
      const file = readFileSync(this.blobPath(digest));
      bytes = new Uint8Array(file.buffer, file.byteOffset, file.length);
    } catch (err) {
      throw new NotFoundError({ registry: `oci-layout:${this.dir}`, method: "read", what: `blob ${digest}`, status: 404, codes: [] }, { cause: err });
    }
    const actual = digestOf(bytes, digest);
    if (actual !== digest) throw new DigestMismatchError(`${this.dir} blob`, digest, actual);
    return bytes;
  }

  readIndex(): Index {
    return JSON.parse(readFileSync(join(this.dir, "index.json"), "utf8")) as Index;
  }

  /** Points `refName` at a manifest (replacing what it pointed at), or with no name just lists
   * it. Read and written with no await between, so parallel pushes in one process never lose an entry. */
  tag(refName: string | undefined, d: Descriptor): void {
    const index = this.readIndex();
    if (refName === undefined && index.manifests.some((m) => m.digest === d.digest)) return;
    const others = index.manifests.filter((m) => refName === undefined || m.annotations?.[ANNOTATION.refName] !== refName);
    const entry: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size, ...(refName !== undefined ? { annotations: { [ANNOTATION.refName]: refName } } : {}) };
    this.writeIndex({ ...index, manifests: [...others, entry] });
  }

  private writeIndex(index: Index): void {
    atomicWrite(join(this.dir, "index.json"), `${JSON.stringify(index, null, 2)}\n`);
  }
}

class LayoutRepository implements Target {
  readonly location: string;
  constructor(private readonly layout: OciLayout) {
    this.location = layout.dir;
  }

  async blobExists(digest: string): Promise<boolean> {
    return this.layout.hasBlob({ digest });
  }

  async pushBlob(blob: Blob): Promise<"uploaded" | "mounted"> {
    this.layout.writeBlob(blob);
    return "uploaded";
  }

  async fetchBlob(d: Descriptor | string): Promise<Uint8Array> {
    const bytes = this.layout.readBlob(d);
    if (typeof d !== "string" && bytes.length !== d.size) throw new OciError(`${this.location} blob ${d.digest}: expected ${d.size} bytes, got ${bytes.length}`);
    return bytes;
  }

  async resolve(reference: string): Promise<Descriptor | undefined> {
    const manifests = this.layout.readIndex().manifests;
    const found = reference.includes(":") ? manifests.find((m) => m.digest === reference) : manifests.find((m) => m.annotations?.[ANNOTATION.refName] === reference);
    return found && this.layout.hasBlob(found) ? { mediaType: found.mediaType, digest: found.digest, size: found.size } : undefined;
  }

  async fetchManifest(reference: string): Promise<FetchedManifest> {
    const descriptor = await this.resolve(reference);
    if (!descriptor) throw new NotFoundError({ registry: `oci-layout:${this.layout.dir}`, method: "read", what: `manifest ${reference}`, status: 404, codes: [] });
    const bytes = this.layout.readBlob(descriptor);
    return { descriptor, bytes, manifest: JSON.parse(new TextDecoder().decode(bytes)) as FetchedManifest["manifest"] };
  }

  async pushManifest(reference: string, manifest: Blob): Promise<Descriptor> {
    this.layout.writeBlob(manifest);
    this.layout.tag(reference.includes(":") ? undefined : reference, manifest.descriptor);
    return manifest.descriptor;
  }
}

function atomicWrite(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
