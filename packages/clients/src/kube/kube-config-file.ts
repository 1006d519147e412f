import { existsSync, readFileSync, statSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '@slipway/core';
import type { KubeAccess } from './kube-access.js';

export interface KubeConfigChoice {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

/**
 * A kubeconfig as KubeAccess, read without client-node (whose import alone costs ~70 MiB and tens
 * of ms of start): from a file, else $KUBECONFIG (files joined by ":", the first to set a value
 * wins) / ~/.kube/config / the Pod's service account, switched to a context when given. Users with
 * token, tokenFile, client certificates or basic auth are served here; an `exec` or `auth-provider`
 * user is served by client-node's KubeConfig, loaded at its first request. A missing, unreadable or
 * broken file, one without a cluster, or an unknown context is one InputError.
 */
export function loadKubeAccess(options: KubeConfigChoice = {}, env = process.env): KubeAccess {
  const file = options.kubeconfig;
  const which = kubeconfigName(file);
  if (file && !statSync(file, { throwIfNoEntry: false })?.isFile())
    throw new InputError(`${which} does not exist or is not a file; ${kubeconfigHint}`);
  const files = file ? [file] : defaultFiles(env);
  if (files.length === 0 && env['KUBERNETES_SERVICE_HOST']) return inClusterAccess(env);
  let merged: Merged;
  try {
    merged = merge(files);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 120);
    throw new InputError(`${which} cannot be read: ${reason}; ${kubeconfigHint}`);
  }
  const contextName = options.context ?? merged.currentContext ?? '';
  const context = merged.contexts.get(contextName);
  if (options.context && !context)
    throw new InputError(
      `kubeconfig has no context "${options.context}" (contexts: ${[...merged.contexts.keys()].join(', ') || 'none'})`,
    );
  const cluster = merged.clusters.get(str(context?.['cluster']) ?? '');
  const server = str(cluster?.['server']);
  if (!cluster || !server) throw new InputError(`${which} names no cluster for its current context; ${kubeconfigHint}`);
  const userName = str(context?.['user']) ?? '';
  const user = merged.users.get(userName) ?? { __dir: '' };
  const names = { context: contextName, user: userName };
  return user['exec'] || user['auth-provider']
    ? new PluginKubeAccess(server, cluster, names, options)
    : new FileKubeAccess(server, cluster, user, names);
}

export const kubeconfigHint = 'pass --kubeconfig with a working kubeconfig file';

/** How a kubeconfig is named in messages: the file as the user wrote it, or the default ones. */
export function kubeconfigName(file: string | undefined): string {
  if (!file) return 'the kubeconfig ($KUBECONFIG or ~/.kube/config)';
  const rel = relative(process.cwd(), file);
  return `kubeconfig ${rel === '' ? '.' : rel.length <= file.length ? rel : file}`;
}

type Entry = Record<string, unknown> & { __dir: string };
interface Merged {
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext: string | undefined;
}

function defaultFiles(env: NodeJS.ProcessEnv): string[] {
  const list = env['KUBECONFIG'];
  if (list) return list.split(':').filter((f) => f !== '' && existsSync(f));
  const home = join(env['HOME'] || homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/** client-go's merge of several files: the first file to name a cluster, user or context wins. */
function merge(files: readonly string[]): Merged {
  const merged: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined };
  for (const path of files) {
    const doc = (parse(readFileSync(path, 'utf8')) ?? {}) as unknown;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a kubeconfig (a YAML mapping)');
    const config = doc as Record<string, unknown>;
    const dir = dirname(resolve(path));
    for (const [list, key, into] of [
      ['clusters', 'cluster', merged.clusters],
      ['users', 'user', merged.users],
      ['contexts', 'context', merged.contexts],
    ] as const) {
      const entries = config[list] ?? [];
      if (!Array.isArray(entries)) throw new Error(`${list} is not a list`);
      for (const item of entries as Record<string, unknown>[]) {
        const name = str(item?.['name']);
        if (name === undefined || into.has(name)) continue;
        into.set(name, { ...((item[key] as Record<string, unknown> | undefined) ?? {}), __dir: dir });
      }
    }
    merged.currentContext ??= str(config['current-context']) || undefined;
  }
  return merged;
}

interface Names {
  context: string;
  user: string;
}

/** The parts of KubeAccess a kubeconfig's context names: its cluster's server and proxy, and who. */
abstract class NamedKubeAccess implements KubeAccess {
  readonly #cluster: { server: string; proxyUrl?: string };
  constructor(
    server: string,
    cluster: Entry,
    private readonly names: Names,
  ) {
    const proxyUrl = str(cluster['proxy-url']);
    this.#cluster = { server, ...(proxyUrl ? { proxyUrl } : {}) };
  }

  getCurrentCluster(): { server: string; proxyUrl?: string } {
    return this.#cluster;
  }

  getCurrentContext(): string {
    return this.names.context;
  }

  getCurrentUser(): { name: string } {
    return { name: this.names.user };
  }

  abstract applyToHTTPSOptions(opts: RequestOptions): Promise<void>;
}

/** A kubeconfig's cluster and user. Files (CA, certificates, token) are read at each call of apply. */
class FileKubeAccess extends NamedKubeAccess {
  constructor(
    server: string,
    private readonly cluster: Entry,
    private readonly user: Entry,
    names: Names,
  ) {
    super(server, cluster, names);
  }

  applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    const { cluster, user } = this;
    const ca = dataOrFile(cluster, 'certificate-authority');
    if (ca) opts.ca = ca;
    if (cluster['insecure-skip-tls-verify'] === true) opts.rejectUnauthorized = false;
    const servername = str(cluster['tls-server-name']);
    if (servername) opts.servername = servername;
    const cert = dataOrFile(user, 'client-certificate');
    const key = dataOrFile(user, 'client-key');
    if (cert) opts.cert = cert;
    if (key) opts.key = key;
    const tokenFile = str(user['tokenFile']);
    const token = tokenFile ? readFileSync(pathIn(user, tokenFile), 'utf8').trim() : str(user['token']);
    const username = str(user['username']);
    if (token) opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
    else if (username) opts.auth = `${username}:${str(user['password']) ?? ''}`;
    return Promise.resolve();
  }
}

/**
 * A user whose credentials come from an `exec` or `auth-provider` plugin: client-node runs the
 * plugin (and caches its answer) as kubectl does; it is loaded at the first request only.
 */
class PluginKubeAccess extends NamedKubeAccess {
  #kc: Promise<KubeAccess> | undefined;
  constructor(
    server: string,
    cluster: Entry,
    names: Names,
    private readonly choice: KubeConfigChoice,
  ) {
    super(server, cluster, names);
  }

  async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    this.#kc ??= import('./plugin-kube-config.js').then((m) => m.pluginKubeConfig(this.choice));
    await (await this.#kc).applyToHTTPSOptions(opts);
  }
}

/** The Pod's service account: its token file is read again at each apply (bound tokens rotate). */
function inClusterAccess(env: NodeJS.ProcessEnv): KubeAccess {
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
  return new FileKubeAccess(
    `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    { 'certificate-authority': join(dir, 'ca.crt'), __dir: dir },
    { tokenFile: join(dir, 'token'), __dir: dir },
    { context: 'inClusterContext', user: 'inClusterUser' },
  );
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A `<name>-data` (base64) or `<name>` (a file, relative to its kubeconfig) field. */
function dataOrFile(entry: Entry, name: string): Buffer | undefined {
  const data = str(entry[`${name}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(entry[name]);
  return file ? readFileSync(pathIn(entry, file)) : undefined;
}

function pathIn(entry: Entry, file: string): string {
  return isAbsolute(file) ? file : join(entry.__dir, file);
}
