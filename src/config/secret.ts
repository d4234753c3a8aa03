import { inspect } from "node:util";

/** A value that must never be printed: logs, JSON, errors and inspect() all see "***". */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "***";
  }
  toJSON(): string {
    return "***";
  }
  [inspect.custom](): string {
    return "Secret(***)";
  }
}
