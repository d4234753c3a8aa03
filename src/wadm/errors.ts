import { RuntimeFailure } from "../errors.js";

/** wadm answered with `result: error`; `message` is its first line (wadm may append a Rust backtrace). */
export class WadmApiError extends RuntimeFailure {
  constructor(
    readonly subject: string,
    readonly wadmMessage: string,
  ) {
    super(`wadm refused ${subject}: ${wadmMessage}`);
  }
}

export class WadmNotFoundError extends RuntimeFailure {
  constructor(readonly application: string) {
    super(`wadm has no application named ${application}`);
  }
}

/** Nobody answered on the subject: wadm is not running on this lattice, or not reachable. */
export class WadmUnavailableError extends RuntimeFailure {
  constructor(
    readonly subject: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`no answer from wadm on ${subject} (${reason}); is wadm running for this lattice?`, options);
  }
}
