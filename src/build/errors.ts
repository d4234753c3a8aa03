import { InputError, type Diagnostic } from "../errors.js";

/** The task's Go code does not compile; diagnostics point into the user's tasks/ file. */
export class CompileError extends InputError {
  constructor(
    readonly component: string,
    diagnostics: Diagnostic[],
  ) {
    super(diagnostics);
  }
}
