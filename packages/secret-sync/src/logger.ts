import { pino, type DestinationStream } from 'pino';

/** The small logging interface the controller uses (pino behind it). Values are never logged. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Fields that could carry a secret are redacted as a second line of defence: the controller
 * only ever logs paths, names, versions, hashes and outcomes.
 */
export const redactedPaths = [
  'data',
  '*.data',
  'stringData',
  '*.stringData',
  'token',
  '*.token',
  'client_token',
  '*.client_token',
  'jwt',
  '*.jwt',
  'secret_id',
  '*.secret_id',
  'headers["x-vault-token"]',
  '*.headers["x-vault-token"]',
];

export function createLogger(
  options: { level?: string; bindings?: Record<string, unknown> } = {},
  destination?: DestinationStream,
): Logger {
  const base = pino(
    {
      level: options.level ?? 'info',
      base: { component: 'secret-sync', ...options.bindings },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return wrap(base);
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

function wrap(p: pino.Logger): Logger {
  return {
    debug: (fields, message) => p.debug(fields, message),
    info: (fields, message) => p.info(fields, message),
    warn: (fields, message) => p.warn(fields, message),
    error: (fields, message) => p.error(fields, message),
    child: (bindings) => wrap(p.child(bindings)),
  };
}

/** An error as loggable fields: message, status and class, never a request body. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const status = (error as { status?: unknown; code?: unknown }).status ?? (error as { code?: unknown }).code;
    return { err: { type: error.name, message: error.message, ...(typeof status === 'number' ? { status } : {}) } };
  }
  return { err: { message: String(error) } };
}
