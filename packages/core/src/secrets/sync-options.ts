/**
 * secret-sync's options: one table (flag, environment variable, help) shared by the controller's
 * command line and its chart's values schema. Kept apart from the zod schema (sync-config.ts) so
 * that defining the command line loads no zod.
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
    help: 'Kubernetes requests in flight (default 8); Vault reads run at 4× this',
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
