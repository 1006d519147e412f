import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portNames, type PlatformPorts } from './plan/index.js';
import { readState, writeState, type PlatformState } from './state.js';

describe('the state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-state-'));
  const state: PlatformState = {
    startedAt: '2026-01-01T00:00:00.000Z',
    pieces: ['kube'],
    ports: Object.fromEntries(portNames.map((n, i) => [n, 40000 + i])) as unknown as PlatformPorts,
    pids: { etcd: 1234 },
    credentials: { kubeToken: 'k', vaultRootToken: 'v', registryUsername: 'u', registryPassword: 'p' },
  };

  it('is private to the user (it holds the dev credentials) and reads back as written', () => {
    const path = join(dir, 'state.json');
    writeState(path, state);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readState(path)).toEqual(state);
  });

  it('reads as no platform when missing or unreadable', () => {
    expect(readState(join(dir, 'none.json'))).toBeUndefined();
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(readState(join(dir, 'broken.json'))).toBeUndefined();
  });
});
