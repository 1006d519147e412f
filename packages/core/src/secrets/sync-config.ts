import * as z from 'zod';
import { durationMs } from '../duration.js';
import { secretSyncDeniedNamespaces } from './plan-secret-sync.js';
import { namespaceNameIssue } from './validation.js';
import { syncOptionSpecs, type RawSyncConfig } from './sync-options.js';

/**
 * secret-sync's configuration: one zod schema over the raw strings of the options' table
 * (sync-options.ts). Flags win over the environment. Secrets (Vault token,
 * AppRole secret id) come only from the environment or files, never from flags (argv is visible
 * in the process list).
 */

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
