import { Worker } from "node:worker_threads";

const WORKER_URL = new URL("./worker.js", import.meta.url);

/** A component worker thread, booting: Node starts and loads the host's modules, then waits for its component. */
export function bootWorker(): Worker {
  const worker = new Worker(WORKER_URL, { stdout: true, stderr: true });
  worker.stdout.resume();
  worker.stderr.resume();
  return worker;
}

/**
 * Keeps one booted worker in reserve, so a hot swap or a restart does not wait some 60 ms for
 * a thread to boot: the reserve takes the component, and the next reserve boots after.
 */
export class WarmWorkers {
  #spare: Worker | undefined;

  take(): Worker {
    const worker = this.#spare ?? bootWorker();
    this.#spare = undefined;
    worker.ref();
    // The next reserve boots once this one has its component: booting meanwhile would compete
    // for the CPU with the load that a swap is waiting on.
    worker.once("message", () => (this.#spare ??= this.#reserve()));
    return worker;
  }

  async close(): Promise<void> {
    const spare = this.#spare;
    this.#spare = undefined;
    await spare?.terminate();
  }

  #reserve(): Worker {
    const spare = bootWorker();
    spare.unref(); // a reserve never keeps the process alive
    spare.once("exit", () => {
      if (this.#spare === spare) this.#spare = undefined;
    });
    return spare;
  }
}
