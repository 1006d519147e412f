import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startPlatform, stopPlatform, type Piece, type Platform, type VaultServer } from '@slipway/dev-platform';

export interface TestPlatform extends Platform {
  /** A client-node KubeConfig for the suite's own apiserver (admin): cluster 1. */
  kubeConfig: KubeConfig;
  /** One KubeConfig per cluster (`clusters: N`), with that cluster's context current; [0] is cluster 1. */
  kubeConfigs: KubeConfig[];
}

const repoRoot = new URL('../..', import.meta.url).pathname;

/**
 * Starts an isolated platform (only the pieces the suite needs) on free ports in a temp dir
 * before the suite, and stops it after, whether tests passed or not. Component logs of a
 * failed suite are kept under `.test-logs/<suite>/`.
 */
export function usePlatform(
  suite: string,
  pieces: readonly Piece[],
  options: { nodes?: number; vaults?: readonly VaultServer[]; clusters?: number } = {},
): () => TestPlatform {
  const dir = mkdtempSync(join(tmpdir(), `slipway-${suite}-`));
  let platform: TestPlatform | undefined;
  let failed = false;
  const killOnExit = () => {
    for (const pid of Object.values(platform?.state.pids ?? {})) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  };

  beforeAll(async () => {
    process.once('exit', killOnExit);
    const started = await startPlatform({ dir, pieces, ...options });
    const kubeConfigs = started.clusters.map((cluster) => {
      const kc = new KubeConfig();
      kc.loadFromFile(cluster.kubeconfigPath);
      kc.setCurrentContext(cluster.context);
      return kc;
    });
    platform = { ...started, kubeConfig: kubeConfigs[0] ?? new KubeConfig(), kubeConfigs };
  });
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    process.removeListener('exit', killOnExit);
    await stopPlatform(dir, { keepDir: true });
    if ((failed || !platform) && existsSync(join(dir, 'logs'))) {
      const keep = join(repoRoot, '.test-logs', suite);
      rmSync(keep, { recursive: true, force: true });
      cpSync(join(dir, 'logs'), keep, { recursive: true });
      console.error(`component logs of ${suite} kept in ${keep}`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  return () => {
    if (!platform) throw new Error(`the ${suite} platform did not start`);
    return platform;
  };
}
