import { Packr } from "msgpackr";

// Records embedded in each batch: the many same-shaped objects of a batch cost a key list once.
const packr = new Packr({ sequential: true, useRecords: true });

/**
 * Batches cross to and from a worker as MessagePack in a buffer of their own, handed over
 * rather than copied: cheaper than structured clone of many small objects. (msgpackr packs into
 * a buffer it reuses, hence the copy to an exact-sized one that can be transferred.)
 */
export function packed(value: unknown): Uint8Array<ArrayBuffer> {
  return new Uint8Array(packr.pack(value));
}

export function unpacked<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
