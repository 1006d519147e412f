import { readFileSync, writeFileSync } from 'node:fs';
import type { Piece, PlatformPorts, VaultServer } from './plan/index.js';

/** What a running platform records in its state dir (0600: it holds dev credentials). */
export interface PlatformState {
  startedAt: string;
  pieces: Piece[];
  /** The Vault servers the `vault` piece runs (older state files: OpenBao only). */
  vaults?: VaultServer[];
  ports: PlatformPorts;
  pids: Record<string, number>;
  credentials: {
    kubeToken: string;
    vaultRootToken: string;
    registryUsername: string;
    registryPassword: string;
  };
}

export function writeState(path: string, state: PlatformState): void {
  writeFileSync(path, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function readState(path: string): PlatformState | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PlatformState;
  } catch {
    return undefined;
  }
}
