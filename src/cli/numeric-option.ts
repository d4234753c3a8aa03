import { InvalidArgumentError, Option } from "commander";

/**
 * A flag whose value must be a whole number from min to max. commander refuses anything else
 * before the command runs, naming the flag (exit 2): `--wait-timeout abc` once gave a deadline
 * of NaN that never came.
 */
export function wholeNumberOption(flags: string, description: string, min: number, max: number): Option {
  return new Option(flags, description).argParser((value: string) => {
    const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!(n >= min && n <= max)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  });
}
