import type { Diagnostic } from "../errors.js";
import { readDotenvs, type Dotenv } from "./dotenv.js";

/** "flag", "environment", "default", or the `.env` file it came from (its path from the project: ".env", "../.env"). */
export type ConfigSource = string;

/**
 * Reads settings in the order flags > environment > the project's `.env` > the working directory's
 * `.env` > defaults, remembering
 * where each came from, so that a bad value is reported where it was written (`.env:L:C`, the
 * command line or the environment). The CLI's and the daemon's settings both read through it.
 */
export class SettingSources {
  readonly sources: Record<string, ConfigSource> = {};
  readonly problems: Diagnostic[] = [];
  readonly #dotenvs: Dotenv[];

  constructor(
    projectDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.#dotenvs = readDotenvs(projectDir);
  }

  /** The value of `name`: the flag's when given, else the environment's, else the first `.env` that sets it; undefined for the default. */
  raw(name: string, flag?: string): string | undefined {
    if (flag !== undefined) return this.#record(name, "flag", flag);
    const fromEnv = this.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return this.#record(name, "environment", fromEnv);
    for (const file of this.#dotenvs) {
      const fromFile = file.values[name];
      if (fromFile !== undefined && fromFile !== "") return this.#record(name, file.label, fromFile);
    }
    this.sources[name] = "default";
    return undefined;
  }

  /** Records a bad value, located where it came from. */
  fail(name: string, message: string): void {
    const source = this.sources[name] ?? "environment";
    const file = this.#dotenvs.find((f) => f.label === source);
    if (file) {
      // The last assignment is the one that counts (dotenv's rule).
      const lines = file.text.split("\n");
      const pattern = new RegExp(`^\\s*(export\\s+)?${name}\\s*[=:]`);
      let line = lines.length - 1;
      while (line >= 0 && !pattern.test(lines[line]!)) line--;
      this.problems.push({ file: file.label, line: line + 1, col: 1, message: `${name}: ${message}` });
    } else {
      this.problems.push({ file: source === "flag" ? "command line" : "environment", message: `${name}: ${message}` });
    }
  }

  #record(name: string, source: ConfigSource, value: string): string {
    this.sources[name] = source;
    return value;
  }
}
