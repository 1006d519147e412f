import { z } from 'zod';
import { durationMs } from '../duration.js';
import { secretSyncDeniedNamespaces } from './plan-secret-sync.js';
import { namespaceNameIssue } from './validation.js';

/**
 * secret-sync's configuration: one table of options (flag, environment variable, default, help)
 * and one zod schema over the raw strings. Flags win over the environment. Secrets (Vault token,
 * AppRole secret id) come only from the environment or files, never from flags (argv is visible
 * in the process list).
 */
export interface SyncOptionSpec {
  key: keyof RawSyncConfig;
  flag: string;
  env?: string;
  boolean?: boolean;
  help: string;
}

/** Every option as a string (booleans as "true"/"false"), before validation. */
export interface RawSyncConfig {
  vaultAddr?: string;
  vaultCaCert?: string;
  authMethod?: string;
  authMount?: string;
  role?: string;
  jwtFile?: string;
  tokenRequestServiceAccount?: string;
  tokenAudience?: string;
  approleRoleId?: string;
  approleSecretIdFile?: string;
  vaultTokenFile?: string;
  mount?: string;
  cluster?: string;
  namespaces?: string;
  denyNamespaces?: string;
  listing?: string;
  interval?: string;
  jitter?: string;
  concurrency?: string;
  prune?: string;
  pruneMax?: string;
  pruneMaxShare?: string;
  allowMassPrune?: string;
  dryRun?: string;
  once?: string;
  port?: string;
  bind?: string;
  kubeconfig?: string;
  kubeContext?: string;
  leaderElect?: string;
  leaseName?: string;
  leaseNamespace?: string;
  identity?: string;
  leaseDuration?: string;
  renewDeadline?: string;
  retryPeriod?: string;
  restartWorkloads?: string;
  restartDebounce?: string;
  logLevel?: string;
}

export const syncOptionSpecs: readonly SyncOptionSpec[] = [
  { key: 'vaultAddr', flag: 'vault-addr', env: 'VAULT_ADDR', help: 'Vault/OpenBao address (required)' },
  { key: 'vaultCaCert', flag: 'vault-cacert', env: 'VAULT_CACERT', help: 'PEM file with the CA of Vault' },
  {
    key: 'authMethod',
    flag: 'auth-method',
    env: 'SECRET_SYNC_AUTH_METHOD',
    help: 'kubernetes (default), approle or token',
  },
  {
    key: 'authMount',
    flag: 'auth-mount',
    env: 'SECRET_SYNC_AUTH_MOUNT',
    help: 'auth mount (default: the method name)',
  },
  { key: 'role', flag: 'role', env: 'SECRET_SYNC_ROLE', help: 'Vault role (kubernetes auth)' },
  {
    key: 'jwtFile',
    flag: 'jwt-file',
    env: 'SECRET_SYNC_JWT_FILE',
    help: 'service-account token file for kubernetes auth (default: the mounted SA token), read at each login',
  },
  {
    key: 'tokenRequestServiceAccount',
    flag: 'token-request-sa',
    env: 'SECRET_SYNC_TOKEN_REQUEST_SA',
    help: '<namespace>/<name>: log in with a short-lived TokenRequest token of this service account instead of a file',
  },
  {
    key: 'tokenAudience',
    flag: 'token-audience',
    env: 'SECRET_SYNC_TOKEN_AUDIENCE',
    help: 'audience of TokenRequest tokens',
  },
  { key: 'approleRoleId', flag: 'approle-role-id', env: 'VAULT_ROLE_ID', help: 'AppRole role id' },
  {
    key: 'approleSecretIdFile',
    flag: 'approle-secret-id-file',
    env: 'SECRET_SYNC_SECRET_ID_FILE',
    help: 'file with the AppRole secret id (or set VAULT_SECRET_ID)',
  },
  {
    key: 'vaultTokenFile',
    flag: 'vault-token-file',
    env: 'SECRET_SYNC_TOKEN_FILE',
    help: 'file with a Vault token (or set VAULT_TOKEN)',
  },
  { key: 'mount', flag: 'mount', env: 'SECRET_SYNC_MOUNT', help: 'KV v2 mount (default k8s-secret)' },
  {
    key: 'cluster',
    flag: 'cluster',
    env: 'SECRET_SYNC_CLUSTER',
    help: 'cluster name: syncs <mount>/<cluster>/ (required)',
  },
  {
    key: 'namespaces',
    flag: 'namespaces',
    env: 'SECRET_SYNC_NAMESPACES',
    help: 'a,b: sync only into these namespaces (default: every namespace not denied)',
  },
  {
    key: 'denyNamespaces',
    flag: 'deny-namespaces',
    env: 'SECRET_SYNC_DENY_NAMESPACES',
    help: 'never sync into these namespaces (default kube-system,kube-public,kube-node-lease; "" denies none)',
  },
  {
    key: 'listing',
    flag: 'listing',
    env: 'SECRET_SYNC_LISTING',
    help: 'auto (default: detect), scan (OpenBao SCAN detailed-metadata), list-detailed (OpenBao), list (any Vault)',
  },
  { key: 'interval', flag: 'interval', env: 'SECRET_SYNC_INTERVAL', help: 'time between cycles (default 60s)' },
  {
    key: 'jitter',
    flag: 'jitter',
    env: 'SECRET_SYNC_JITTER',
    help: 'random extra share of the interval, 0..1 (default 0.1)',
  },
  {
    key: 'concurrency',
    flag: 'concurrency',
    env: 'SECRET_SYNC_CONCURRENCY',
    help: 'requests in flight per server (default 8)',
  },
  {
    key: 'prune',
    flag: 'prune',
    env: 'SECRET_SYNC_PRUNE',
    boolean: true,
    help: 'delete managed Secrets gone from Vault (default true)',
  },
  {
    key: 'pruneMax',
    flag: 'prune-max',
    env: 'SECRET_SYNC_PRUNE_MAX',
    help: 'at most this many deletions per cycle (default 25)',
  },
  {
    key: 'pruneMaxShare',
    flag: 'prune-max-share',
    env: 'SECRET_SYNC_PRUNE_MAX_SHARE',
    help: 'mass-deletion guard: a cycle that would delete more than this share (0..1) of the managed Secrets, all of them, or all of a namespace holding 2 or more, deletes nothing (default 0.5)',
  },
  {
    key: 'allowMassPrune',
    flag: 'allow-mass-prune',
    env: 'SECRET_SYNC_ALLOW_MASS_PRUNE',
    boolean: true,
    help: 'let a deliberate large cleanup through the mass-deletion guard, e.g. with --once (default false)',
  },
  { key: 'dryRun', flag: 'dry-run', env: 'SECRET_SYNC_DRY_RUN', boolean: true, help: 'plan and report, write nothing' },
  {
    key: 'once',
    flag: 'once',
    env: 'SECRET_SYNC_ONCE',
    boolean: true,
    help: 'run one cycle and exit (no leader election)',
  },
  {
    key: 'port',
    flag: 'port',
    env: 'SECRET_SYNC_PORT',
    help: '/healthz /readyz /metrics port (default 8080; 0 picks one)',
  },
  { key: 'bind', flag: 'bind', env: 'SECRET_SYNC_BIND', help: 'address of the HTTP server (default 0.0.0.0)' },
  {
    key: 'kubeconfig',
    flag: 'kubeconfig',
    env: 'KUBECONFIG',
    help: 'kubeconfig file (default: in-cluster, else ~/.kube/config)',
  },
  { key: 'kubeContext', flag: 'context', env: 'SECRET_SYNC_KUBE_CONTEXT', help: 'kubeconfig context' },
  {
    key: 'leaderElect',
    flag: 'leader-elect',
    env: 'SECRET_SYNC_LEADER_ELECT',
    boolean: true,
    help: 'elect a leader with a Lease (default true)',
  },
  {
    key: 'leaseName',
    flag: 'lease-name',
    env: 'SECRET_SYNC_LEASE_NAME',
    help: 'Lease name (default slipway-secret-sync)',
  },
  { key: 'leaseNamespace', flag: 'lease-namespace', env: 'POD_NAMESPACE', help: 'Lease namespace (default devops)' },
  { key: 'identity', flag: 'identity', env: 'POD_NAME', help: 'holder identity (default hostname-pid)' },
  { key: 'leaseDuration', flag: 'lease-duration', env: 'SECRET_SYNC_LEASE_DURATION', help: 'default 15s' },
  { key: 'renewDeadline', flag: 'renew-deadline', env: 'SECRET_SYNC_RENEW_DEADLINE', help: 'default 10s' },
  { key: 'retryPeriod', flag: 'retry-period', env: 'SECRET_SYNC_RETRY_PERIOD', help: 'default 2s' },
  {
    key: 'restartWorkloads',
    flag: 'restart-workloads',
    env: 'SECRET_SYNC_RESTART_WORKLOADS',
    boolean: true,
    help: 'roll Deployments/StatefulSets that use a changed Secret (default false)',
  },
  { key: 'restartDebounce', flag: 'restart-debounce', env: 'SECRET_SYNC_RESTART_DEBOUNCE', help: 'default 10s' },
  { key: 'logLevel', flag: 'log-level', env: 'SECRET_SYNC_LOG_LEVEL', help: 'debug, info (default), warn, error' },
];

const duration = (fallback: string, min = 0) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const ms = durationMs(s);
      if (ms === undefined || ms < min) {
        ctx.addIssue({
          code: 'custom',
          message: `"${s}" is not a duration like 60s, 1m30s or 500ms${min ? ` (at least ${min}ms)` : ''}`,
        });
        return z.NEVER;
      }
      return ms;
    });

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

const share = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const n = Number(s);
      if (s.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
        ctx.addIssue({ code: 'custom', message: `"${s}" must be a number from 0 to 1` });
        return z.NEVER;
      }
      return n;
    });

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .transform((s, ctx) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `"${s}" must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/** "a,b" → ['a', 'b']: DNS-1123 labels, "" for none. */
const namespaceList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s, ctx) => {
      const names = s
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const bad = names.filter((n) => namespaceNameIssue(n));
      if (bad.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${bad.map((b) => `"${b}"`).join(', ')} is not a namespace name` });
        return z.NEVER;
      }
      return names;
    });

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label');

export const rawSyncConfigSchema = z.object({
  vaultAddr: z.url({ error: 'must be a URL such as https://vault.example.com:8200' }),
  vaultCaCert: z.string().min(1).optional(),
  authMethod: z.enum(['kubernetes', 'approle', 'token']).default('kubernetes'),
  authMount: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  jwtFile: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
  tokenRequestServiceAccount: z
    .string()
    .regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'must be <namespace>/<service-account>')
    .optional(),
  tokenAudience: z.string().min(1).optional(),
  approleRoleId: z.string().min(1).optional(),
  approleSecretIdFile: z.string().min(1).optional(),
  vaultTokenFile: z.string().min(1).optional(),
  mount: z
    .string()
    .regex(/^[A-Za-z0-9][-_.A-Za-z0-9/]*[A-Za-z0-9]$/, 'must be a mount path such as k8s-secret')
    .default('k8s-secret'),
  cluster: dnsLabel,
  namespaces: namespaceList(''),
  denyNamespaces: namespaceList(secretSyncDeniedNamespaces.join(',')),
  listing: z.enum(['auto', 'scan', 'list-detailed', 'list']).default('auto'),
  interval: duration('60s', 1000),
  jitter: share('0.1'),
  concurrency: int(8, 1, 256),
  prune: bool(true),
  pruneMax: int(25, 0, 1_000_000),
  pruneMaxShare: share('0.5'),
  allowMassPrune: bool(false),
  dryRun: bool(false),
  once: bool(false),
  port: int(8080, 0, 65535),
  bind: z.string().min(1).default('0.0.0.0'),
  kubeconfig: z.string().min(1).optional(),
  kubeContext: z.string().min(1).optional(),
  leaderElect: bool(true),
  leaseName: dnsLabel.default('slipway-secret-sync'),
  leaseNamespace: dnsLabel.default('devops'),
  identity: z.string().min(1).optional(),
  leaseDuration: duration('15s', 1000),
  renewDeadline: duration('10s', 500),
  retryPeriod: duration('2s', 100),
  restartWorkloads: bool(false),
  restartDebounce: duration('10s'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type ParsedSyncConfig = z.output<typeof rawSyncConfigSchema>;

/** Where the Vault login JWT or token comes from; the values themselves are read at login. */
export type SyncAuth =
  | { method: 'kubernetes'; mount: string; role: string; jwt: { source: 'file'; path: string } }
  | {
      method: 'kubernetes';
      mount: string;
      role: string;
      jwt: { source: 'token-request'; namespace: string; serviceAccount: string; audience?: string | undefined };
    }
  | { method: 'approle'; mount: string; roleId: string; secretIdFile?: string | undefined }
  | { method: 'token'; tokenFile?: string | undefined };

export interface SyncConfig extends Omit<
  ParsedSyncConfig,
  | 'authMethod'
  | 'authMount'
  | 'role'
  | 'jwtFile'
  | 'tokenRequestServiceAccount'
  | 'tokenAudience'
  | 'approleRoleId'
  | 'approleSecretIdFile'
  | 'vaultTokenFile'
> {
  auth: SyncAuth;
}

export interface ConfigIssue {
  /** `--flag (ENV)` */
  option: string;
  message: string;
}

/**
 * Validates the raw options; returns every problem at once. `secretsFromEnv` says which secret
 * environment variables are present (VAULT_TOKEN, VAULT_SECRET_ID) without passing their values.
 */
export function parseSyncConfig(
  raw: RawSyncConfig,
  secretsFromEnv: { vaultToken: boolean; approleSecretId: boolean } = { vaultToken: false, approleSecretId: false },
): { ok: true; config: SyncConfig } | { ok: false; issues: ConfigIssue[] } {
  const name = (key: string) => {
    const spec = syncOptionSpecs.find((s) => s.key === key);
    return spec ? `--${spec.flag}${spec.env ? ` (${spec.env})` : ''}` : key;
  };
  const parsed = rawSyncConfigSchema.safeParse(raw);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({
        option: name(String(i.path[0] ?? '')),
        message:
          i.code === 'invalid_type' && raw[i.path[0] as keyof RawSyncConfig] === undefined ? 'is required' : i.message,
      }));
  // what each auth method needs, checked on the raw values so every problem is reported at once
  const method = raw.authMethod ?? 'kubernetes';
  if (method === 'kubernetes' && !raw.role)
    issues.push({ option: name('role'), message: 'is required for kubernetes auth' });
  if (method === 'approle') {
    if (!raw.approleRoleId) issues.push({ option: name('approleRoleId'), message: 'is required for approle auth' });
    if (!raw.approleSecretIdFile && !secretsFromEnv.approleSecretId) {
      issues.push({
        option: name('approleSecretIdFile'),
        message: 'is required for approle auth (or set VAULT_SECRET_ID)',
      });
    }
  }
  if (method === 'token' && !raw.vaultTokenFile && !secretsFromEnv.vaultToken) {
    issues.push({ option: name('vaultTokenFile'), message: 'is required for token auth (or set VAULT_TOKEN)' });
  }
  if (!parsed.success) return { ok: false, issues };
  const c = parsed.data;
  let auth: SyncAuth;
  if (c.authMethod === 'kubernetes') {
    const mount = c.authMount ?? 'kubernetes';
    const role = c.role ?? '';
    if (c.tokenRequestServiceAccount) {
      const [namespace = '', serviceAccount = ''] = c.tokenRequestServiceAccount.split('/');
      auth = {
        method: 'kubernetes',
        mount,
        role,
        jwt: { source: 'token-request', namespace, serviceAccount, audience: c.tokenAudience },
      };
    } else auth = { method: 'kubernetes', mount, role, jwt: { source: 'file', path: c.jwtFile } };
  } else if (c.authMethod === 'approle') {
    auth = {
      method: 'approle',
      mount: c.authMount ?? 'approle',
      roleId: c.approleRoleId ?? '',
      secretIdFile: c.approleSecretIdFile,
    };
  } else {
    auth = { method: 'token', tokenFile: c.vaultTokenFile };
  }
  if (c.renewDeadline >= c.leaseDuration) {
    issues.push({ option: name('renewDeadline'), message: 'must be shorter than --lease-duration' });
  }
  if (c.retryPeriod >= c.renewDeadline) {
    issues.push({ option: name('retryPeriod'), message: 'must be shorter than --renew-deadline' });
  }
  if (issues.length > 0) return { ok: false, issues };
  const {
    authMethod: _m,
    authMount: _mt,
    role: _r,
    jwtFile: _j,
    tokenRequestServiceAccount: _t,
    tokenAudience: _a,
    approleRoleId: _ar,
    approleSecretIdFile: _as,
    vaultTokenFile: _vt,
    ...rest
  } = c;
  return { ok: true, config: { ...rest, auth } };
}
