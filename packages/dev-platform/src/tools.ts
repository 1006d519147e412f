import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  allPieces,
  InputError,
  toolsByPiece,
  toolsByVaultServer,
  type Piece,
  type ToolPaths,
  type VaultServer,
} from '@slipway/core';

/** The tools cache `make tools` fills; SLIPWAY_TOOLS_BIN points elsewhere. */
export function toolsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['SLIPWAY_TOOLS_BIN'] ?? join(homedir(), '.cache', 'slipway', 'tools', 'current', 'bin');
}

/** Paths of the platform binaries; a missing one the pieces need is an error that says to run `make tools`. */
export function findTools(
  pieces: readonly Piece[] = allPieces,
  bin = toolsBinDir(),
  vaults: readonly VaultServer[] = ['openbao'],
): ToolPaths {
  const tools: ToolPaths = {
    etcd: join(bin, 'etcd'),
    kubeApiserver: join(bin, 'kube-apiserver'),
    kubeControllerManager: join(bin, 'kube-controller-manager'),
    kubeScheduler: join(bin, 'kube-scheduler'),
    kubectl: join(bin, 'kubectl'),
    kwok: join(bin, 'kwok'),
    kwokStages: join(bin, '..', 'kwok-stages.yaml'),
    bao: join(bin, 'bao'),
    vault: join(bin, 'vault'),
    dockerRegistry: join(bin, 'docker-registry'),
    sshd: join(bin, 'sshd'),
    git: join(bin, 'git'),
    istioCrds: join(bin, '..', 'istio-crds.yaml'),
  };
  const needed = pieces.flatMap((piece) => [
    ...toolsByPiece[piece],
    ...(piece === 'vault' ? vaults.map((v) => toolsByVaultServer[v]) : []),
  ]);
  const missing = needed.map((t) => tools[t]).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new InputError(
      `local platform tools are missing (${missing.join(', ')}); run \`make tools\` to install them`,
    );
  }
  return tools;
}

/** A tool by its file name in the tools bin dir (helm, buildah, skopeo, htpasswd, ...). */
export function toolPath(name: string, bin = toolsBinDir()): string {
  const path = join(bin, name);
  if (!existsSync(path)) throw new InputError(`${name} is missing from ${bin}; run \`make tools\``);
  return path;
}
