import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { execa, type ResultPromise } from "execa";
import { RuntimeFailure } from "../errors.js";
import { TOOLCHAIN_DIR, cacheDir } from "../paths.js";

export interface GoFileReport {
  file: string;
  package?: string;
  errors: { line: number; col: number; message: string }[];
  execTask?: { line: number; col: number; params: string[]; results: string[]; generic?: boolean };
  main?: { line: number; col: number };
  imports: { line: number; col: number; path: string }[];
  /** The first //go:build or // +build line before the package clause; `message` is its text. */
  constraint?: { line: number; col: number; message: string };
}

const HELPER_SOURCES = ["main.go", "go.mod"];
/** How long the checker stays up after its last request. */
const IDLE_MS = 30_000;

/** Parses Go files with go/parser, through toolchain/gocheck (built once per machine, kept running while in use). */
export async function checkGoFiles(files: readonly string[]): Promise<GoFileReport[]> {
  if (files.length === 0) return [];
  checker ??= gocheckBinary().then(
    (bin) => new GoChecker(bin),
    (err: unknown) => {
      checker = undefined; // the next check tries the build again
      throw err;
    },
  );
  return (await checker).check(files);
}

let checker: Promise<GoChecker> | undefined;
class CheckerStopped extends RuntimeFailure {}
type CheckerProcess = ResultPromise<{ stdin: "pipe"; stdout: "pipe"; stderr: "ignore"; buffer: false }>;

/**
 * One gocheck process answering a line per request, in order. It holds the event loop only
 * while a request waits, and ends after IDLE_MS without one (or with pelatod: execa's cleanup).
 */
class GoChecker {
  #child: CheckerProcess | undefined;
  #waiting: { resolve(r: GoFileReport[]): void; reject(e: Error): void }[] = [];
  #idle: NodeJS.Timeout | undefined;

  constructor(private readonly bin: string) {}

  /** A checker that stopped under a request (killed, say) is started again, once, for it. */
  async check(files: readonly string[]): Promise<GoFileReport[]> {
    try {
      return await this.#ask(files);
    } catch (err) {
      if (!(err instanceof CheckerStopped)) throw err;
      return this.#ask(files);
    }
  }

  #ask(files: readonly string[]): Promise<GoFileReport[]> {
    clearTimeout(this.#idle);
    const child = (this.#child ??= this.#start());
    this.#hold(child, true);
    return new Promise<GoFileReport[]>((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(files)}\n`);
    });
  }

  #start(): CheckerProcess {
    const child = execa(this.bin, [], { stdin: "pipe", stdout: "pipe", stderr: "ignore", buffer: false });
    child.catch(() => {}); // its end is handled below
    createInterface({ input: child.stdout }).on("line", (line) => {
      this.#waiting.shift()?.resolve(JSON.parse(line) as GoFileReport[]);
      if (this.#waiting.length > 0) return;
      this.#hold(child, false);
      this.#idle = setTimeout(() => child.stdin.end(), IDLE_MS);
      this.#idle.unref();
    });
    child.stdin.on("error", () => {}); // a write to a checker that just died: its exit answers the request
    child.on("exit", () => {
      if (this.#child === child) this.#child = undefined;
      for (const w of this.#waiting.splice(0)) w.reject(new CheckerStopped("the Go syntax checker (toolchain/gocheck) stopped unexpectedly"));
    });
    child.on("error", (err: NodeJS.ErrnoException) => {
      for (const w of this.#waiting.splice(0)) w.reject(new RuntimeFailure(`cannot run the Go syntax checker: ${err.message}`, { cause: err }));
    });
    return child;
  }

  /** Keeps the process alive while a request waits, and only then. */
  #hold(child: CheckerProcess, on: boolean): void {
    for (const handle of [child, child.stdin, child.stdout] as { ref(): void; unref(): void }[]) {
      if (on) handle.ref();
      else handle.unref();
    }
  }
}

async function gocheckBinary(): Promise<string> {
  const src = join(TOOLCHAIN_DIR, "gocheck");
  const hash = createHash("sha256");
  for (const f of HELPER_SOURCES) hash.update(readFileSync(join(src, f)));
  const binDir = join(cacheDir(), "bin");
  const bin = join(binDir, `gocheck-${hash.digest("hex").slice(0, 12)}`);
  if (existsSync(bin)) return bin;

  mkdirSync(binDir, { recursive: true });
  const tmp = `${bin}.tmp-${process.pid}`;
  // Built for the machine we run on, whatever GOOS/GOARCH the caller's shell exports.
  const env = { ...process.env, GOOS: "", GOARCH: "", CGO_ENABLED: "0", GOFLAGS: "" };
  try {
    await execa("go", ["build", "-o", tmp, "."], { cwd: src, env });
  } catch (err) {
    const reason = (err as { code?: string }).code === "ENOENT" ? "the Go toolchain (go) is not on PATH" : String((err as Error).message);
    throw new RuntimeFailure(`cannot build the Go syntax checker: ${reason}`, { cause: err });
  }
  renameSync(tmp, bin); // atomic: a concurrent pelatod sees either no binary or a whole one
  return bin;
}
