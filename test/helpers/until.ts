/** Waits until `done()` holds, checking every 20 ms; after `timeoutMs` throws "no <what> within …". */
export async function until(done: () => boolean, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !done(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error(`no ${typeof what === "string" ? what : what()} within ${timeoutMs} ms`);
  }
}
