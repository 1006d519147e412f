import { formatIssue, type ValidationIssue } from './catalog/issues.js';

/** The error hierarchy every entry point maps to an exit code and one clear message. */
export class SlipwayError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input from the user: config files, flags. Exit code 2. */
export class InputError extends SlipwayError {
  override readonly exitCode = 2;
}

/** A production rule was broken. Exit code 2. */
export class PolicyError extends SlipwayError {
  override readonly exitCode = 2;
}

/** A remote server answered with an error status. */
export class RemoteError extends SlipwayError {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A subprocess failed. The child's exit code is kept in `childExitCode` (127: it could not start);
 * slipway itself exits 1, its own codes stay 0/1/2.
 */
export class CommandError extends SlipwayError {
  constructor(
    readonly command: string,
    readonly childExitCode: number,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${childExitCode}${stderr ? `: ${lastLines(stderr, 5)}` : ''}`);
  }
}

/** A rollout did not become stable. */
export class RolloutFailedError extends SlipwayError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** Catalog validation failed; carries every issue found. Exit code 2. */
export class ValidationError extends InputError {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      `the catalog is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map(formatIssue).join('\n')}`,
    );
  }
}
