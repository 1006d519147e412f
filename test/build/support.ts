import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { VaultClient, run } from '@slipway/clients';
import { toolPath, type Platform } from '@slipway/dev-platform';

const charts = new URL('../../charts', import.meta.url).pathname;

/** The base image the test services build FROM: busybox from Debian's busybox-static, nothing pulled. */
export const baseImage = (platform: Platform) => `${platform.registry.host}/base/busybox:1`;

/** Builds the busybox base image from a local rootfs and pushes it to the platform's registry. */
export async function pushBaseImage(platform: Platform, work: string): Promise<void> {
  const { host, username, password } = platform.registry;
  const context = join(work, 'base');
  mkdirSync(join(context, 'rootfs', 'bin'), { recursive: true });
  copyFileSync(toolPath('busybox'), join(context, 'rootfs', 'bin', 'busybox'));
  for (const tool of ['sh', 'sleep', 'cat', 'echo', 'mkdir', 'ls', 'true', 'false'])
    symlinkSync('busybox', join(context, 'rootfs', 'bin', tool));
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin\n');
  const storage = ['--storage-driver=vfs', `--root=${work}/base-storage`, `--runroot=${work}/base-run`];
  const authfile = join(work, 'base-auth.json');
  writeFileSync(
    authfile,
    JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }),
    { mode: 0o600 },
  );
  const buildah = toolPath('buildah');
  try {
    await run(buildah, [...storage, 'bud', '--isolation=chroot', '--quiet', '-t', baseImage(platform), context]);
    await run(buildah, [
      ...storage,
      'push',
      '--quiet',
      '--tls-verify=false',
      `--authfile=${authfile}`,
      baseImage(platform),
    ]);
  } finally {
    rmSync(authfile, { force: true });
    rmSync(join(work, 'base-storage'), { recursive: true, force: true });
  }
}

export interface BuildService {
  name: string;
  /** clone URL (default: the platform's git server, repository = name) */
  repository?: string;
  build?: { preset?: string; dockerfile?: string; context?: string };
}

export interface CatalogOptions {
  vaultAuth?: Record<string, unknown>;
  vaultAddress?: string;
  /** known_hosts lines (default: the platform's git server's key) */
  knownHosts?: string;
  registry?: Record<string, unknown>;
}

/** A catalog in a temp dir for `slipway build`: the platform's registry, Vault and git server. */
export function buildCatalog(platform: Platform, services: readonly BuildService[], options: CatalogOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-build-catalog-'));
  for (const chart of ['workload', 'routing'])
    cpSync(join(charts, chart), join(dir, 'charts', chart), { recursive: true });
  const settings = {
    apiVersion: 'slipway.dev/v1',
    kind: 'Platform',
    registry: options.registry ?? { host: platform.registry.host, project: 'microservices', insecure: true },
    charts: {
      workload: { ref: 'charts/workload', version: '0.1.0' },
      routing: { ref: 'charts/routing', version: '0.1.0' },
    },
    vault: {
      address: options.vaultAddress ?? platform.vault.address,
      auth: options.vaultAuth ?? { method: 'approle' },
      deployKeys: { mount: 'secret', path: 'deploy-keys/{service}' },
    },
    build: { knownHosts: options.knownHosts ?? readFileSync(platform.git.knownHostsPath, 'utf8') },
    stacks: { dev: { cluster: 'local', branches: ['*'] } },
    clusters: { local: {} },
  };
  writeFileSync(join(dir, 'slipway.yaml'), stringify(settings));
  for (const s of services) {
    mkdirSync(join(dir, 'services', s.name), { recursive: true });
    const service = {
      apiVersion: 'slipway.dev/v1',
      kind: 'Service',
      name: s.name,
      team: 'test',
      namespace: s.name,
      repository: s.repository ?? platform.git.url(s.name),
      image: s.name,
      build: { preset: 'node', ...s.build },
      stacks: ['dev'],
    };
    writeFileSync(join(dir, 'services', s.name, 'service.yaml'), stringify(service));
    writeFileSync(
      join(dir, 'services', s.name, 'values.yaml'),
      stringify({ resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '32Mi' } } }),
    );
  }
  return dir;
}

/** A repository on the platform's git server with its deploy key stored in Vault; returns the key text. */
export async function hostRepo(platform: Platform, name: string, files: Record<string, string>): Promise<string> {
  await platform.git.addRepo(name, files);
  const key = await platform.git.addDeployKey(name);
  const privateKey = readFileSync(key.privateKeyPath, 'utf8');
  rmSync(join(key.privateKeyPath, '..'), { recursive: true, force: true });
  await rootVault(platform).kvPut('secret', `deploy-keys/${name}`, { private_key: privateKey });
  return privateKey;
}

export const rootVault = (platform: Platform) =>
  new VaultClient({ address: platform.vault.address, token: platform.vault.rootToken });

/** An AppRole that may read the deploy keys; returns its role_id and a secret_id. */
export async function deployKeyAppRole(platform: Platform): Promise<{ roleId: string; secretId: string }> {
  const vault = rootVault(platform);
  await vault.request('PUT', 'sys/policy/build', {
    policy: 'path "secret/data/deploy-keys/*" { capabilities = ["read"] }',
  });
  const mounts = await vault.request<Record<string, unknown>>('GET', 'sys/auth');
  if (!mounts || !('approle/' in ((mounts['data'] as object | undefined) ?? mounts)))
    await vault.request('POST', 'sys/auth/approle', { type: 'approle' });
  await vault.request('POST', 'auth/approle/role/build', { token_policies: ['build'], token_ttl: '10m' });
  const role = await vault.request<{ data: { role_id: string } }>('GET', 'auth/approle/role/build/role-id');
  const secret = await vault.request<{ data: { secret_id: string } }>('POST', 'auth/approle/role/build/secret-id', {});
  return { roleId: role?.data.role_id ?? '', secretId: secret?.data.secret_id ?? '' };
}

/**
 * The environment of a CLI build run: the registry credentials, the AppRole that reads the deploy
 * keys, no VAULT_* from the caller's shell (so the catalog's login method is what runs), and a
 * build cache dir of the platform's own.
 */
export const buildEnv = (platform: Platform, approle: { roleId: string; secretId: string }) => ({
  SLIPWAY_REGISTRY_USERNAME: platform.registry.username,
  SLIPWAY_REGISTRY_PASSWORD: platform.registry.password,
  SLIPWAY_VAULT_ROLE_ID: approle.roleId,
  SLIPWAY_VAULT_SECRET_ID: approle.secretId,
  VAULT_TOKEN: '',
  VAULT_ADDR: '',
  // the build cache dir (base images, cache mounts) of this platform, not the user's
  SLIPWAY_BUILD_CACHE: buildCacheDir(platform),
});

/** The build cache dir the tests' builds keep between them (removed with the platform). */
export const buildCacheDir = (platform: Platform) => join(platform.paths.dir, 'build-cache');

/** Accessors of the live tokens (root's view): a revoked build token is gone from it. */
export async function tokenAccessors(platform: Platform): Promise<string[]> {
  const res = await rootVault(platform).request<{ data: { keys: string[] } }>('LIST', 'auth/token/accessors');
  return res?.data.keys ?? [];
}

/** A private TMPDIR for one CLI run: empty again after the build when nothing outlives the command. */
export function privateTmp(): { dir: string; leftovers(): string[]; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-build-tmp-'));
  return {
    dir,
    leftovers: () => readdirSync(dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A new commit on a repository's master (changed files only), as a developer's push would add it. */
export async function pushCommit(platform: Platform, repo: string, files: Record<string, string>): Promise<void> {
  const bare = join(platform.paths.gitRoot, `${repo}.git`);
  const work = mkdtempSync(join(tmpdir(), 'slipway-git-push-'));
  try {
    const git = (...args: string[]) => run('git', ['-C', work, ...args]);
    await run('git', ['clone', '--quiet', '--', bare, work]);
    for (const [file, content] of Object.entries(files)) writeFileSync(join(work, file), content);
    await git('add', '-A');
    await git('-c', 'user.name=slipway', '-c', 'user.email=slipway@localhost', 'commit', '--quiet', '-m', 'change');
    await git('push', '--quiet', 'origin', 'master');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
