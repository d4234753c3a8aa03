/** Longest an unbroken stream of edits can hold back a plan. */
export const MAX_DEBOUNCE_MS = 2000;

/**
 * Collects changed paths until `quietMs` pass without another (editors write in bursts: a
 * temporary file, a rename, a chmod), then hands over the batch and when its first change came.
 */
export class Coalescer {
  #paths = new Set<string>();
  #first = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly quietMs: number,
    private readonly flush: (paths: string[], firstAt: number) => void,
    readonly maxMs = MAX_DEBOUNCE_MS,
  ) {}

  add(path: string, now = performance.now()): void {
    if (this.#paths.size === 0) this.#first = now;
    this.#paths.add(path);
    clearTimeout(this.#timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.#first + this.maxMs - now));
    this.#timer = setTimeout(() => this.#fire(), wait);
  }

  /** Drops what was collected, without flushing. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#paths.clear();
  }

  #fire(): void {
    const paths = [...this.#paths].sort();
    this.#paths.clear();
    this.flush(paths, this.#first);
  }
}
