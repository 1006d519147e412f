import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RegistryClient } from '@slipway/clients';
import { InputError, isStrict, type Catalog } from '@slipway/core';
import {
  parseProxyAddresses,
  parseUsersFile,
  proxyHeader,
  serve,
  type AuthProxyOptions,
  type DeployRequest,
  type RunSummary,
  type ServeEngine,
  type SlackTarget,
  type UserEntry,
} from '@slipway/serve';
import { loadCatalog } from '../catalog/load-catalog.js';
import { clusterConnections } from './deploy/cluster.js';
import { finishCanary } from './deploy/canary.js';
import { deploy, type DeployOptions, type PipelineRun } from './deploy/deploy.js';
import { rollback } from './deploy/rollback.js';
import type { ReleaseParams } from './deploy/engine.js';
import { checkPreconditions } from './deploy/preconditions.js';
import { approve } from './deploy/approve.js';
import { releaseHistory } from './release/history.js';
import { releaseStatus } from './release/status.js';
import { pendingApproval } from './serve-review.js';
import { appDeps, type AppDeps } from './deps.js';
import { parseKvEntry, serveSecretFields, vaultServeSecrets, type ServeSecrets } from './serve-secrets.js';

export interface ServeFlags {
  catalog: string;
  listen: { host: string; port: number };
  users?: string;
  authProxy?: string;
  authProxyUserHeader: string;
  authProxyEmailHeader: string;
  authProxyGroupsHeader: string;
  runsNamespace: string;
  runsCluster?: string;
  publicUrl?: string;
  hookSecrets?: string;
  vaultSecrets?: string;
  insecureCookies?: true;
  timeout: number;
  shutdownGrace: number;
  helm?: string;
}

/** The release parameters of a request, as `slipway deploy` makes them from its flags. */
const paramsOf = (catalog: Catalog, r: DeployRequest): ReleaseParams => ({
  stack: r.stack,
  imageTag: r.imageTag,
  sourceBranch: r.sourceBranch,
  valuesBranch: r.valuesBranch,
  rollbackOnFailure: isStrict(catalog.settings, r.stack),
  ...(r.canary ? { canary: { weight: r.canaryWeight ?? 10 } } : {}),
});

/** A pipeline's summaries as a run records them. */
const summariesOf = (run: PipelineRun): RunSummary[] =>
  run.summaries.map((s) => ({
    service: s.service,
    cluster: s.cluster,
    result: s.result,
    revision: s.revision,
    ...(s.reason ? { reason: s.reason } : {}),
  }));

/** The engine `slipway serve` runs: the CLI's own deploy, rollback, canary, status and history. */
export function serveEngine(deps: AppDeps, flags: ServeFlags): ServeEngine {
  const catalog = () => loadCatalog(flags.catalog);
  // the signed-in user acts: the lock holder and the history name them
  const as = (user: string): AppDeps => ({ ...deps, env: { ...deps.env, user } });
  return {
    catalog,
    check: (request) => {
      const c = catalog();
      checkPreconditions(c, request.service, paramsOf(c, request));
    },
    deploy: async (request, user, report) => {
      const opts: DeployOptions = {
        stack: request.stack,
        imageTag: request.imageTag,
        ...(request.sourceBranch ? { sourceBranch: request.sourceBranch } : {}),
        ...(request.valuesBranch ? { valuesBranch: request.valuesBranch } : {}),
        ...(request.canary ? { canary: true } : {}),
        canaryWeight: request.canaryWeight ?? 10,
        ...(request.skipBuild ? { skipBuild: true } : {}),
        buildConcurrency: 1,
        timeout: flags.timeout,
        catalog: flags.catalog,
        ...(flags.helm ? { helm: flags.helm } : {}),
      };
      return summariesOf(await deploy(as(user), request.service, opts, (e) => report({ ...e })));
    },
    rollback: async (request, user, report) => {
      const opts = {
        stack: request.stack,
        toRevision: request.toRevision,
        timeout: flags.timeout,
        catalog: flags.catalog,
        ...(request.cluster ? { cluster: request.cluster } : {}),
      };
      return summariesOf(await rollback(as(user), request.service, opts, (e) => report({ ...e })));
    },
    canary: async (request, user, report) => {
      const opts = {
        stack: request.stack,
        catalog: flags.catalog,
        timeout: flags.timeout,
        ...(request.cluster ? { cluster: request.cluster } : {}),
        ...(request.valuesBranch ? { valuesBranch: request.valuesBranch } : {}),
        ...(flags.helm ? { helm: flags.helm } : {}),
      };
      return summariesOf(await finishCanary(as(user), request.kind, request.service, opts, (e) => report({ ...e })));
    },
    history: async (service, stack) => {
      const read = await releaseHistory(deps, service, { catalog: flags.catalog, stack, clusterTimeout: 10_000 });
      return read.clusters.map(({ cluster, entries }) => ({
        cluster: cluster.name,
        reachable: cluster.reachable,
        ...(cluster.error ? { error: cluster.error } : {}),
        entries: entries.map((e) => ({
          revision: e.revision,
          track: e.track,
          imageTag: e.imageTag,
          ...(e.canaryWeight === undefined ? {} : { canaryWeight: e.canaryWeight }),
          result: e.result,
          ...(e.reason ? { reason: e.reason } : {}),
          deployedBy: e.deployedBy,
          deployedAt: e.deployedAt,
          origin: e.origin,
          ...(e.sourceBranch ? { sourceBranch: e.sourceBranch } : {}),
          ...(e.valuesCommit ? { valuesCommit: e.valuesCommit } : {}),
        })),
      }));
    },
    tags: (service) => {
      const c = catalog();
      const { host, project, insecure, tokenHosts } = c.settings.registry;
      const image = c.services.get(service)?.config.image ?? service;
      const registry = new RegistryClient({
        host,
        insecureHttp: insecure,
        ...(tokenHosts ? { tokenHosts } : {}),
        ...deps.env.registry,
      });
      return registry.tags(`${project}/${image}`);
    },
    status: () => releaseStatus(deps, undefined, { catalog: flags.catalog, clusterTimeout: 10_000 }),
    runsCluster: () => {
      const c = catalog();
      const name = flags.runsCluster ?? Object.keys(c.settings.clusters)[0];
      if (!name || !c.settings.clusters[name])
        throw new InputError(
          `--runs-cluster ${name ?? '(none)'} is not a cluster of the catalog (its clusters: ${Object.keys(c.settings.clusters).join(', ')})`,
        );
      return clusterConnections(deps, c)(name);
    },
    // a strict stack's changed values wait for an approver instead of failing the run
    review: (request, user) => pendingApproval(as(user), flags.catalog, request, user),
    approve: async (request, digest, approver) => {
      await approve(as(approver), request.service, {
        stack: request.stack,
        digest,
        catalog: flags.catalog,
        ...(request.valuesBranch ? { valuesBranch: request.valuesBranch } : {}),
      });
    },
  };
}

/**
 * A trigger's secret, read at each delivery (a rotated secret needs no restart): the file
 * `<dir>/<service>.<trigger>` of `--hook-secrets`, else the field `hook.<service>.<trigger>` of the
 * Vault entry (`--vault-secrets`), else SLIPWAY_HOOK_SECRET_<SERVICE>_<TRIGGER> (upper case, "-"
 * as "_"). Never from the catalog. A Vault failure is logged and refuses that delivery.
 */
export function hookSecretReader(
  env: NodeJS.ProcessEnv,
  dir: string | undefined,
  vault?: ServeSecrets,
  warn: (message: string) => void = () => undefined,
) {
  return async (service: string, trigger: string): Promise<string | undefined> => {
    if (dir) {
      try {
        const secret = readFileSync(join(dir, `${service}.${trigger}`), 'utf8').trim();
        if (secret) return secret;
      } catch {
        // not in the folder: Vault or the environment may have it
      }
    }
    if (vault) {
      try {
        const secret = await vault.field(serveSecretFields.hook(service, trigger));
        if (secret) return secret;
      } catch (error) {
        warn(error instanceof Error ? error.message : String(error));
      }
    }
    const name = `SLIPWAY_HOOK_SECRET_${service}_${trigger}`.toUpperCase().replace(/-/g, '_');
    return env[name] || undefined;
  };
}

/**
 * Slack, from secrets (never flags): SLIPWAY_SLACK_WEBHOOK_URL (an incoming webhook), else
 * SLIPWAY_SLACK_BOT_TOKEN for chat.postMessage at SLIPWAY_SLACK_API_URL (default
 * https://slack.com/api); without them, the Vault entry's slack-webhook-url or slack-bot-token.
 */
export async function slackTarget(env: NodeJS.ProcessEnv, vault?: ServeSecrets): Promise<{ slack?: SlackTarget }> {
  const apiUrl = env['SLIPWAY_SLACK_API_URL'] || 'https://slack.com/api';
  const webhookUrl = env['SLIPWAY_SLACK_WEBHOOK_URL'];
  if (webhookUrl) return { slack: { webhookUrl } };
  const botToken = env['SLIPWAY_SLACK_BOT_TOKEN'];
  if (botToken) return { slack: { botToken, apiUrl } };
  const fromVault = vault && {
    webhookUrl: await vault.field(serveSecretFields.slackWebhookUrl),
    botToken: await vault.field(serveSecretFields.slackBotToken),
  };
  if (fromVault?.webhookUrl) return { slack: { webhookUrl: fromVault.webhookUrl } };
  if (fromVault?.botToken) return { slack: { botToken: fromVault.botToken, apiUrl } };
  return {};
}

/** The users of `--users` (none without it). */
function readUsers(file: string | undefined): Map<string, UserEntry> {
  if (file === undefined) return new Map();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read --users ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseUsersFile(text, file);
}

/** `--auth-proxy` and its header names, checked. */
export function authProxyOptions(flags: ServeFlags): { authProxy?: AuthProxyOptions } {
  if (flags.authProxy === undefined) return {};
  return {
    authProxy: {
      addresses: parseProxyAddresses(flags.authProxy),
      userHeader: proxyHeader('--auth-proxy-user-header', flags.authProxyUserHeader),
      emailHeader: proxyHeader('--auth-proxy-email-header', flags.authProxyEmailHeader),
      groupsHeader: proxyHeader('--auth-proxy-groups-header', flags.authProxyGroupsHeader),
    },
  };
}

/** The Vault entry of the serve secrets: `--vault-secrets`, else slipway.yaml's vault.serveSecrets; none without either. */
function serveSecrets(catalog: Catalog, flag: string | undefined, deps: AppDeps): ServeSecrets | undefined {
  const entry = flag ? parseKvEntry(flag) : catalog.settings.vault?.serveSecrets;
  if (!entry) return undefined;
  const vault = catalog.settings.vault;
  if (!vault)
    throw new InputError(
      '--vault-secrets needs the vault section of slipway.yaml (vault.address and vault.auth: how to log in)',
    );
  return vaultServeSecrets(vault, entry, {
    env: deps.env.process,
    slipway: deps.env.build.vault,
    readFile: (path) => readFileSync(path, 'utf8'),
  });
}

/** `slipway serve`: reads the users file and the catalog once up front (bad input: exit 2), then serves. */
export async function serveApp(flags: ServeFlags): Promise<void> {
  const deps = appDeps();
  // no anonymous access: people sign in with the users file, through the auth proxy, or both
  if (flags.users === undefined && flags.authProxy === undefined)
    throw new InputError('name who signs in: --users FILE, --auth-proxy ADDRESSES, or both');
  const users = readUsers(flags.users);
  const proxy = authProxyOptions(flags);
  const catalog = loadCatalog(flags.catalog);
  const vault = serveSecrets(catalog, flags.vaultSecrets, deps);
  // a Vault that cannot be logged in to or read is one message at start, not a silent 401 later
  const slack = await slackTarget(deps.env.process, vault);
  const warn = (message: string) => process.stderr.write(`slipway serve: ${message}\n`);
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(flags.listen.host);
  if (flags.insecureCookies && !loopback)
    throw new InputError('--insecure-cookies is only for a loopback --listen address (127.0.0.1, ::1, localhost)');
  await serve({
    engine: serveEngine(deps, flags),
    users,
    ...proxy,
    runsNamespace: flags.runsNamespace,
    secureCookies: !flags.insecureCookies,
    hookSecret: hookSecretReader(deps.env.process, flags.hookSecrets, vault, warn),
    ...slack,
    ...(flags.publicUrl ? { publicUrl: flags.publicUrl } : {}),
    host: flags.listen.host,
    port: flags.listen.port,
    graceMs: flags.shutdownGrace,
    onListening: (url) => process.stderr.write(`slipway serve: listening on ${url}\n`),
  });
  await vault?.close();
  // the runs still going were recorded interrupted: their rollout watches must not keep the process
  process.stderr.write('slipway serve: stopped\n');
  process.exit(0);
}
