import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  gitServeScript,
  kwokFailureStages,
  clusterPaths,
  kubeconfigClusters,
  kubeconfigYaml,
  registryConfigYaml,
  sshdConfig,
  tokenCsv,
  clusterCount,
  type PlatformLayout,
} from './plan/index.js';
import { run } from '@slipway/clients';
import type { PlatformState } from './state.js';
import { toolPath } from './tools.js';

/** Writes the files the processes read before they start, all private to this user. */

export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function writePrivate(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode });
}

/**
 * Per cluster: its own service-account key, token file (the one admin token), kwok failure stages
 * and one-context kubeconfig for its components; then the shared kubeconfig with every context.
 */
export function prepareKube({ paths, ports }: PlatformLayout, state: PlatformState): void {
  const clusters = kubeconfigClusters(paths.dir, ports, state.credentials.kubeToken);
  for (let k = 1; k <= clusterCount(ports); k++) {
    const p = clusterPaths(paths.dir, k);
    mkdirSync(p.certDir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writePrivate(p.serviceAccountKey, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    writePrivate(p.tokenFile, tokenCsv(state.credentials.kubeToken));
    writePrivate(p.kwokFailureStages, kwokFailureStages());
    writePrivate(p.componentKubeconfig, kubeconfigYaml(clusters.slice(k - 1, k)));
  }
  writePrivate(paths.kubeconfig, kubeconfigYaml(clusters));
}

export async function prepareRegistry(layout: PlatformLayout, state: PlatformState): Promise<void> {
  const { registryUsername: user, registryPassword: password } = state.credentials;
  // bcrypt entry; the password goes through stdin, never argv
  const { stdout } = await run(toolPath('htpasswd'), ['-inB', user], { input: `${password}\n` });
  writePrivate(layout.paths.registryHtpasswd, stdout.trim() + '\n');
  mkdirSync(layout.paths.registryData, { recursive: true });
  writePrivate(layout.paths.registryConfig, registryConfigYaml(layout, randomSecret()));
}

export async function prepareGit(layout: PlatformLayout): Promise<void> {
  const { paths, ports } = layout;
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation dir
  mkdirSync(paths.gitRoot, { recursive: true });
  mkdirSync(dirname(paths.sshHostKey), { recursive: true, mode: 0o700 });
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'slipway-dev-git', '-f', paths.sshHostKey]);
  const hostKey = readFileSync(`${paths.sshHostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  writePrivate(paths.sshKnownHosts, `[127.0.0.1]:${ports.sshd} ${hostKey}\n`, 0o644);
  writePrivate(paths.sshAuthorizedKeys, '');
  writePrivate(paths.gitServe, gitServeScript(paths.gitRoot), 0o755);
  chmodSync(paths.gitServe, 0o755);
  writePrivate(paths.sshConfig, sshdConfig(layout));
}
