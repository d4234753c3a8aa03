/**
 * Synchronous calls from a worker to the main thread. A component's imports (a NATS request,
 * a KV read) are synchronous functions in Wasm, but their answers come from async NATS calls on
 * the main thread: the worker posts the call and sleeps on a shared flag until main answers.
 */
export const SYNC_BUFFER_BYTES = 12 << 20; // a whole canonical-ABI arena (8 MiB + 64 KiB) as base64 in JSON, plus room

const STATE = 0;
const LENGTH = 1;
const HEADER_BYTES = 8;

export function createSyncBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + SYNC_BUFFER_BYTES);
}

/** Worker side: block until main has written the answer, then return it. */
export function waitForAnswer(buffer: SharedArrayBuffer, send: () => void): unknown {
  const header = new Int32Array(buffer, 0, 2);
  Atomics.store(header, STATE, 0);
  send();
  Atomics.wait(header, STATE, 0);
  const length = Atomics.load(header, LENGTH);
  const text = new TextDecoder().decode(new Uint8Array(buffer, HEADER_BYTES, length).slice());
  return JSON.parse(text);
}

/** Main side: write the answer and wake the worker. */
export function answer(buffer: SharedArrayBuffer, value: unknown): void {
  const header = new Int32Array(buffer, 0, 2);
  let bytes = new TextEncoder().encode(JSON.stringify(value));
  if (bytes.length > SYNC_BUFFER_BYTES) bytes = new TextEncoder().encode(JSON.stringify({ error: `answer of ${bytes.length} bytes is larger than ${SYNC_BUFFER_BYTES}` }));
  new Uint8Array(buffer, HEADER_BYTES, bytes.length).set(bytes);
  Atomics.store(header, LENGTH, bytes.length);
  Atomics.store(header, STATE, 1);
  Atomics.notify(header, STATE);
}
