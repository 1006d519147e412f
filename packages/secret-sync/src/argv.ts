import { parseArgs } from 'node:util';
import { InputError, syncOptionSpecs, type RawSyncConfig } from '@slipway/core';

/**
 * Flags and environment variables → raw options (flags win). Booleans are `--flag` and
 * `--no-flag`; values `--flag value` or `--flag=value`.
 */
export function rawConfigFrom(argv: readonly string[], env: NodeJS.ProcessEnv): { raw: RawSyncConfig; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const s of syncOptionSpecs) {
    options[s.flag] = { type: s.boolean ? 'boolean' : 'string' };
    if (s.boolean) options[`no-${s.flag}`] = { type: 'boolean' };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (error) {
    throw new InputError(`${(error as Error).message} (see --help)`);
  }
  const raw: RawSyncConfig = {};
  for (const s of syncOptionSpecs) {
    const fromEnv = s.env ? env[s.env] : undefined;
    let v: string | undefined = fromEnv === '' ? undefined : fromEnv;
    if (s.boolean) {
      if (values[s.flag] === true) v = 'true';
      if (values[`no-${s.flag}`] === true) v = 'false';
    } else if (typeof values[s.flag] === 'string') {
      v = values[s.flag] as string;
    }
    if (v !== undefined) raw[s.key] = v;
  }
  return { raw, help: values.help === true };
}
