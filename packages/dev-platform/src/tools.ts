import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  allPieces,
  toolsByPiece,
  toolsByVaultServer,
  type Piece,
  type ToolPaths,
  type VaultServer,
} from './plan/index.js';
import { toolsCacheBin } from '@slipway/clients';
import { InputError } from '@slipway/core';

/**
 * The dev platform runs the pinned tools of the tools cache (`make tools`; its location comes from
 * @slipway/clients), never whatever PATH holds: production commands resolve theirs with resolveTool.
 */

/** Paths of the platform binaries; a missing one the pieces need is an error that says to run `make tools`. */
export function findTools(
  pieces: readonly Piece[] = allPieces,
  bin = toolsCacheBin(),
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
export function toolPath(name: string, bin = toolsCacheBin()): string {
  const path = join(bin, name);
  if (!existsSync(path)) throw new InputError(`${name} is missing from ${bin}; run \`make tools\``);
  return path;
}
