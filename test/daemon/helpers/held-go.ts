import { execFileSync } from "node:child_process";
import { chmodSync, closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "../../helpers/until.js";

/**
 * A `go` on PATH that the test holds: the first build of sources containing `marker` says it
 * started and then waits for release() before it runs the real compiler (later ones run at once). Any other call goes straight
 * through, so the toolchain's fingerprint and every other build are the real ones. Cancelling
 * the held build (SIGTERM) ends the wrapper: bash dies in the FIFO's open.
 */
export interface HeldGo {
  /** Prepend to the daemon's PATH. */
  env: NodeJS.ProcessEnv;
  marker: string;
  /** Resolves once a build of the marked sources is running and held. */
  started(timeoutMs?: number): Promise<void>;
  /** Lets a held build go on (a no-op when none is held). */
  release(): void;
  cleanup(): void;
}

export function heldGo(marker: string): HeldGo {
  const dir = mkdtempSync(join(tmpdir(), "pelato-held-go-"));
  const realGo = execFileSync("bash", ["-c", "command -v go"], { encoding: "utf8" }).trim();
  const fifo = join(dir, "release");
  execFileSync("mkfifo", [fifo]);
  writeFileSync(
    join(dir, "go"),
    [
      "#!/bin/bash",
      `if [ "$1" = build ] && [ ! -e ${JSON.stringify(join(dir, "started"))} ] && grep -rqsF -- ${JSON.stringify(marker)} .; then`,
      `  : > ${JSON.stringify(join(dir, "started"))}`,
      `  read -r _ < ${JSON.stringify(fifo)}`,
      "fi",
      `exec ${JSON.stringify(realGo)} "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(join(dir, "go"), 0o755);
  return {
    env: { PATH: `${dir}:${process.env.PATH ?? ""}` },
    marker,
    started(timeoutMs = 180_000) {
      return until(() => existsSync(join(dir, "started")), `build of the sources marked ${marker} started`, timeoutMs);
    },
    release() {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // ENXIO: nobody is waiting on the FIFO
      }
    },
    cleanup() {
      this.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
