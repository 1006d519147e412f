import { describe, expect, it } from 'vitest';
import { CommandError, InputError, RemoteError } from '@slipway/core';
import { describeError, redact } from './errors.js';

describe('describeError', () => {
  it('keeps the exit code and message of a SlipwayError, with its cause', () => {
    expect(describeError(new InputError('bad flag'))).toMatchObject({ type: 'InputError', exitCode: 2 });
    const remote = new RemoteError('registry answered 500', 500, '', { cause: new Error('boom') });
    expect(describeError(remote)).toMatchObject({ message: 'registry answered 500: boom', exitCode: 1 });
  });

  it("exits 1 for a failed subprocess, whatever the child's own exit code", () => {
    const failed = new CommandError('helm template', 127, 'not found');
    expect(failed.childExitCode).toBe(127);
    expect(describeError(failed)).toMatchObject({ type: 'CommandError', exitCode: 1 });
  });

  it('does not repeat a cause its message already quotes', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1', { cause: new Error('socket closed') });
    const remote = new RemoteError('kubernetes read failed (no answer): connect ECONNREFUSED 127.0.0.1:1', 0, '', {
      cause: refused,
    });
    expect(describeError(remote).message).toBe(
      'kubernetes read failed (no answer): connect ECONNREFUSED 127.0.0.1:1: socket closed',
    );
  });

  it('names a network failure by its cause, without a stack', () => {
    const error = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    const report = describeError(error);
    expect(report).toEqual({
      type: 'NetworkError',
      message: 'could not reach the server: fetch failed: connect ECONNREFUSED 127.0.0.1:1',
      exitCode: 1,
    });
  });

  it('reports any other error by its message only', () => {
    expect(describeError(new SyntaxError('Unexpected token <'))).toEqual({
      type: 'UnexpectedError',
      message: 'unexpected error: Unexpected token <',
      exitCode: 1,
    });
  });
});

describe('redact', () => {
  it('hides the values of secret-looking environment variables', () => {
    const env = { SLIPWAY_REGISTRY_PASSWORD: 's3cr3t-value', VAULT_TOKEN: 'hvs.abc', HOME: '/root' };
    expect(redact('user:s3cr3t-value token hvs.abc at /root', env)).toBe('user:*** token *** at /root');
  });
});
