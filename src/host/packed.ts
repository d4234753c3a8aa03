import { Packr } from "msgpackr";

/**
 * One direction of a worker's message port: batches cross as MessagePack in a buffer of their
 * own, handed over rather than copied, cheaper than structured clone of many small objects.
 * Records are defined once per stream and reused by later batches (msgpackr's `sequential`),
 * so each direction of each worker needs its own writer and reader, made afresh with the worker.
 */
export class PackedStream {
  #packr = new Packr({ sequential: true, useRecords: true });

  /** msgpackr packs into a buffer it reuses, hence the copy to an exact-sized one that can be transferred. */
  pack(value: unknown): Uint8Array<ArrayBuffer> {
    return new Uint8Array(this.#packr.pack(value));
  }

  unpack<T>(bytes: Uint8Array): T {
    return this.#packr.unpack(bytes) as T;
  }
}
