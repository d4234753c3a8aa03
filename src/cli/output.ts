import { createColors } from "picocolors";
import { redactUserinfo } from "../config/index.js";
import { formatDiagnostic, InputError, PelatoError } from "../errors.js";

/** How a command talks to the user: human text on a terminal, or one JSON document with --json. */
export class Output {
  readonly color;
  constructor(
    readonly json: boolean,
    readonly verbose = false,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
  ) {
    const tty = Boolean((stdout as { isTTY?: boolean }).isTTY);
    const enabled = !process.env.NO_COLOR && (tty || Boolean(process.env.FORCE_COLOR));
    this.color = createColors(enabled);
  }

  // Everything printed passes here: a URL's user information (NATS_URL=nats://bob:pw@host) never
  // shows, and no value (a project name, a component's log line) can drive the terminal.
  #out(text: string): void {
    this.stdout.write(printable(redactUserinfo(text)));
  }
  #err(text: string): void {
    this.stderr.write(printable(redactUserinfo(text)));
  }

  /** One JSON document per line on stdout (the events of watch, serve and up --json). */
  jsonLine(value: unknown): void {
    this.#out(`${JSON.stringify(value)}\n`);
  }

  /** Progress and notes: stderr, never in --json mode's stdout. */
  progress(line: string): void {
    if (!this.json) this.#err(`${line}\n`);
  }

  /** The command's result: `value` as JSON, or `text` for people. */
  result(value: unknown, text: string): void {
    this.#out(this.json ? `${JSON.stringify({ ok: true, ...(value as object) }, null, 2)}\n` : text.endsWith("\n") || text === "" ? text : `${text}\n`);
  }

  /** The one place an error becomes what the user reads. */
  failure(err: unknown): number {
    const known = err instanceof PelatoError;
    const exitCode = known ? err.exitCode : 1;
    if (this.json) {
      const error = {
        type: known ? err.name : "InternalError",
        message: err instanceof Error ? err.message : String(err),
        ...(err instanceof InputError ? { diagnostics: err.diagnostics } : {}),
      };
      this.#out(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
      return exitCode;
    }
    const red = this.color.red;
    if (err instanceof InputError) {
      for (const d of err.diagnostics) this.#err(`${red("error")}: ${formatDiagnostic(d)}\n`);
      const n = err.diagnostics.length;
      if (n > 1) this.#err(`${n} problems found\n`);
    } else {
      this.#err(`${red("error")}: ${known ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`}\n`);
    }
    if (this.verbose && err instanceof Error) {
      for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) this.#err(`${this.color.dim(cause.stack ?? cause.message)}\n`);
    }
    return exitCode;
  }
}

/**
 * Control characters (but line feed and tab), bidirectional and zero-width characters written as
 * \uXXXX, so that printed values cannot move the cursor, retitle the window, clear the screen or
 * reorder what is shown. The colours this class adds (SGR: ESC [ digits m) stay.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) =>
    c.length > 1 ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
