import { SlipwayError, ValidationError, type ValidationIssue } from '@slipway/core';

export interface ErrorReport {
  type: string;
  message: string;
  exitCode: number;
  issues?: readonly ValidationIssue[];
}

/** Environment variables whose values never appear in output, whatever an error message says. */
const secretName = /PASSWORD|TOKEN|SECRET|CREDENTIAL|PRIVATE|API_?KEY/i;

/** Replaces the value of every secret-looking environment variable in `text` with ***. */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 4 && secretName.test(name)) out = out.split(value).join('***');
  }
  return out;
}

/** The message of an error and of its causes: `fetch failed: connect ECONNREFUSED 127.0.0.1:1`. */
function messageChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : JSON.stringify(e);
    if (message && !parts.some((p) => p.includes(message))) parts.push(message);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}

/**
 * One clear message for any error. SlipwayErrors carry their exit code (2: bad input, else 1); an error the code did not
 * expect is reported by its message chain (the stack only with --debug), exit code 1.
 */
export function describeError(error: unknown): ErrorReport {
  if (error instanceof SlipwayError) {
    return {
      type: error.name,
      message: messageChain(error), // its causes after it, unless its message already says them
      exitCode: error.exitCode === 2 ? 2 : 1, // slipway's own codes: a child's code stays in its error
      ...(error instanceof ValidationError ? { issues: error.issues } : {}),
    };
  }
  const chain = messageChain(error);
  const network = /fetch failed|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|certificate/i.test(chain);
  return {
    type: network ? 'NetworkError' : 'UnexpectedError',
    message: network ? `could not reach the server: ${chain}` : `unexpected error: ${chain}`,
    exitCode: 1,
  };
}
