/** Where in a user's file something is wrong. Lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line?: number;
  col?: number;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.col ?? 1}`;
  return `${where}: ${d.message}`;
}

/** Base of every error pelatod raises on purpose; `exitCode` is what the CLI exits with. */
export class PelatoError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The user's input (workflow, task code, flags, config) is wrong: exit 2. */
export class InputError extends PelatoError {
  override readonly exitCode = 2;
  constructor(
    readonly diagnostics: readonly Diagnostic[],
    options?: ErrorOptions,
  ) {
    super(diagnostics.map(formatDiagnostic).join("\n"), options);
  }
}

/** A command line that cannot be understood: exit 2. */
export class UsageError extends PelatoError {
  override readonly exitCode = 2;
}

/** Something outside the user's input failed (a tool, a file system, a server): exit 1. */
export class RuntimeFailure extends PelatoError {}
