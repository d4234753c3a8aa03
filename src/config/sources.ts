import type { Diagnostic } from "../errors.js";
import { readDotenv } from "./dotenv.js";

export type ConfigSource = "flag" | "environment" | ".env" | "default";

/**
 * Reads settings in the order flags > environment > the project's `.env` > defaults, remembering
 * where each came from, so that a bad value is reported where it was written (`.env:L:C`, the
 * command line or the environment). The CLI's and the daemon's settings both read through it.
 */
export class SettingSources {
  readonly sources: Record<string, ConfigSource> = {};
  readonly problems: Diagnostic[] = [];
  readonly #dotenv: { text: string; values: Record<string, string> };

  constructor(
    projectDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.#dotenv = readDotenv(projectDir);
  }

  /** The value of `name`: the flag's when given, else the environment's, else `.env`'s; undefined for the default. */
  raw(name: string, flag?: string): string | undefined {
    if (flag !== undefined) return this.#record(name, "flag", flag);
    const fromEnv = this.env[name];
    if (fromEnv !== undefined && fromEnv !== "") return this.#record(name, "environment", fromEnv);
    const fromFile = this.#dotenv.values[name];
    if (fromFile !== undefined && fromFile !== "") return this.#record(name, ".env", fromFile);
    this.sources[name] = "default";
    return undefined;
  }

  /** Records a bad value, located where it came from. */
  fail(name: string, message: string): void {
    const source = this.sources[name] ?? "environment";
    if (source === ".env") {
      const line = this.#dotenv.text.split("\n").findIndex((l) => new RegExp(`^\\s*(export\\s+)?${name}\\s*=`).test(l));
      this.problems.push({ file: ".env", line: line + 1, col: 1, message: `${name}: ${message}` });
    } else {
      this.problems.push({ file: source === "flag" ? "command line" : "environment", message: `${name}: ${message}` });
    }
  }

  #record(name: string, source: ConfigSource, value: string): string {
    this.sources[name] = source;
    return value;
  }
}
