import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Platform } from '@slipway/dev-platform';
import { commitCatalog, gitIn } from './example-catalog.js';

const charts = new URL('../../charts', import.meta.url).pathname;

export interface TestService {
  name: string;
  product?: string;
  namespace?: string;
  canary?: boolean;
  stacks?: string[];
  values?: Record<string, unknown>;
  stackValues?: Record<string, Record<string, unknown>>;
}

/** Requests and a memory limit, which every stack requires, unless a test sets its own. */
const testResources = { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '32Mi' } };

/**
 * A catalog in a temp dir whose registry and cluster are the test platform's. The shared charts
 * are copied into it (chart refs stay inside the catalog). With `{ git: true }` the folder is a
 * git repository whose branch master holds the files as written (strict stacks read their
 * values from a commit); `commit` and `checkout` change it.
 */
export class TestCatalog {
  readonly dir = mkdtempSync(join(tmpdir(), 'slipway-catalog-'));
  /**
   * `clusters`: catalog cluster name → kubeconfig context of the platform's kubeconfig (`dev up
   * --clusters N`), with `products` mapping product → stack → clusters; default one cluster "local".
   */
  constructor(
    platform: Platform,
    services: readonly TestService[],
    topology?: { clusters: Record<string, string>; products: Record<string, Record<string, string[]>> },
    options: { git?: boolean } = {},
  ) {
    for (const chart of ['workload', 'routing'])
      cpSync(join(charts, chart), join(this.dir, 'charts', chart), { recursive: true });
    const slipway = {
      apiVersion: 'slipway.dev/v1',
      kind: 'Platform',
      registry: { host: platform.registry.host, project: 'microservices', insecure: true },
      charts: {
        workload: { ref: 'charts/workload', version: '0.1.0' },
        routing: { ref: 'charts/routing', version: '0.1.0' },
      },
      ...(topology
        ? {
            stacks: { dev: { branches: ['*'] }, prod: { branches: ['master'] } },
            products: Object.fromEntries(
              Object.entries(topology.products).map(([product, clusters]) => [product, { clusters }]),
            ),
            clusters: Object.fromEntries(
              Object.entries(topology.clusters).map(([name, context]) => [
                name,
                { kubeconfig: platform.kube.kubeconfigPath, context },
              ]),
            ),
          }
        : {
            stacks: { dev: { cluster: 'local', branches: ['*'] }, prod: { cluster: 'local', branches: ['master'] } },
            clusters: { local: { kubeconfig: platform.kube.kubeconfigPath } },
          }),
    };
    writeFileSync(join(this.dir, 'slipway.yaml'), stringify(slipway));
    for (const s of services) this.write(s);
    if (options.git) this.initGit();
  }

  /** Makes the catalog a git repository whose master holds its files as they are. */
  initGit(): void {
    this.git('init', '--quiet', '--initial-branch', 'master');
    this.commit('catalog');
  }

  /** Runs git in the catalog (no user or system config), returning its output. */
  git(...args: string[]): string {
    return gitIn(this.dir, ...args);
  }

  /** Commits every file on the current branch; returns the commit id. */
  commit(message: string): string {
    return commitCatalog(this.dir, message);
  }

  /** Switches to a branch, creating it from the current commit when asked. */
  checkout(branch: string, create = false): void {
    this.git('checkout', '--quiet', ...(create ? ['-b'] : []), branch);
  }

  /** Writes (or rewrites) a service's files. */
  write(s: TestService): void {
    const dir = join(this.dir, 'services', s.name);
    mkdirSync(dir, { recursive: true });
    const service = {
      apiVersion: 'slipway.dev/v1',
      kind: 'Service',
      name: s.name,
      team: 'test',
      namespace: s.namespace ?? s.name,
      repository: `git@git.local:shop/${s.name}.git`,
      image: s.name,
      build: { preset: 'node' },
      stacks: s.stacks ?? ['dev'],
      ...(s.product ? { product: s.product } : {}),
      canary: s.canary ?? false,
    };
    writeFileSync(join(dir, 'service.yaml'), stringify(service));
    writeFileSync(join(dir, 'values.yaml'), stringify({ resources: testResources, ...s.values }));
    for (const [stack, values] of Object.entries(s.stackValues ?? {}))
      writeFileSync(join(dir, `values-${stack}.yaml`), stringify(values));
  }
}

/** Env for the CLI: registry credentials of the test platform. */
export const registryEnv = (platform: Platform) => ({
  SLIPWAY_REGISTRY_USERNAME: platform.registry.username,
  SLIPWAY_REGISTRY_PASSWORD: platform.registry.password,
});
