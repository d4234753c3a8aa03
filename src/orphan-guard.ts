import { existsSync } from "node:fs";

const SETPRIV = "/usr/bin/setpriv";

/**
 * Wraps a command so the kernel kills it when pelatod dies, even by SIGKILL (util-linux's
 * setpriv sets PR_SET_PDEATHSIG, then execs): servers pelatod starts never outlive it.
 */
export function dieWithParent(bin: string, args: string[]): [string, string[]] {
  return existsSync(SETPRIV) ? [SETPRIV, ["--pdeathsig", "SIGKILL", "--", bin, ...args]] : [bin, args];
}
