/** Waits until `done()` holds, checking every 20 ms; after `timeoutMs` throws "no <what> within …". */
export async function until(done: () => boolean, what: string | (() => string), timeoutMs = 20_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; !done(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error(`no ${typeof what === "string" ? what : what()} within ${timeoutMs} ms`);
  }
}

/** Waits until `check()` resolves to a value (not undefined), asking again every `everyMs`; after `timeoutMs` throws "no <what> within …". */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  for (const end = Date.now() + timeoutMs; ; await new Promise((r) => setTimeout(r, everyMs))) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`no ${what} within ${timeoutMs} ms`);
  }
}
