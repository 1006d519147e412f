import { apiserverProcess, type ClusterHealth, type Platform, type ServeOnPlatform } from '@slipway/dev-platform';
import type { DevStatus } from '../app/dev.js';
import { table } from './text.js';

/** `slipway dev`: the endpoints of a platform, its components' states, its shell exports. */

export function renderEndpoints(p: Platform): string {
  return (
    table([
      ['ENDPOINT', 'ADDRESS'],
      ...p.clusters.map((c) => [apiserverProcess(c.index), `${c.server} (context ${c.context})`]),
      ['kubeconfig', `${p.kube.kubeconfigPath} (current context ${p.clusters[0]?.context ?? 'slipway-dev'})`],
      ...Object.values(p.vaults).map((v) => [
        v.server === 'openbao' ? 'openbao' : 'vault (hashicorp)',
        `${v.address} (KV v2 at ${v.kvMount}/, auth/kubernetes${p.clusters.length > 1 ? ` of ${p.clusters[0]?.context}` : ''})`,
      ]),
      ['registry', `${p.registry.host} (user ${p.registry.username})`],
      ['git (ssh)', p.git.url('<repo>')],
      ['logs', p.paths.logs],
    ]) + '\n\nNext: eval "$(slipway dev env)"; kubectl get nodes'
  );
}

export function renderDevStatus(status: DevStatus): string {
  if (!status.running)
    return `the local platform is not running (no state in ${status.dir}); start it with \`slipway dev up\``;
  const rows = status.components.map((c) => [c.name, String(c.pid), c.alive ? 'running' : 'stopped']);
  const clusters = status.clusters.map(({ cluster, health }) => [cluster.context, cluster.server, nodesText(health)]);
  return [
    table([['COMPONENT', 'PID', 'STATE'], ...rows]),
    ...(clusters.length ? [table([['CLUSTER', 'SERVER', 'NODES'], ...clusters])] : []),
    renderEndpoints(status.platform),
  ].join('\n');
}

function nodesText(health: ClusterHealth): string {
  return health.up ? `${health.ready}/${health.nodes} Ready` : `down (${health.reason})`;
}

/** `slipway dev env`: a comment naming the kubeconfig's contexts, then the exports. */
export function renderDevEnv(env: {
  vars: readonly (readonly [string, string])[];
  contexts: readonly string[];
}): string {
  const comment = env.contexts.length
    ? `# KUBECONFIG contexts: ${env.contexts.join(', ')} (current: ${env.contexts[0]})\n`
    : '';
  return comment + renderShellExports(env.vars);
}

/** POSIX shell exports, each value single-quoted (a `'` inside closes, escapes and reopens). */
export function renderShellExports(vars: readonly (readonly [string, string])[]): string {
  return vars.map(([k, v]) => `export ${k}='${v.replaceAll("'", `'\\''`)}'`).join('\n');
}

/** What `slipway dev repo add` did, before the clone URL (the last line, on stdout). */
export function renderRepoHosted(
  service: string,
  source: string,
  hosted: { commit: string; committedForYou: boolean; keyPath: string },
): string {
  const what = hosted.committedForYou ? `the files of ${source} (committed for you)` : `HEAD of ${source}`;
  return `${service}: master = ${what}, ${hosted.commit.slice(0, 12)}; read-only deploy key in Vault at ${hosted.keyPath}`;
}

/** `slipway dev serve`: where the server is and how to sign in, the address last but one. */
export function renderDevServe(s: ServeOnPlatform): string {
  return [
    `slipway serve runs in the background (pid ${s.pid}, log ${s.log}); Slack notifications off; \`slipway dev down\` stops it`,
    ...s.hookSecrets.map((f) => `webhook secret: ${f}`),
    `sign in as ${s.user}, password in ${s.passwordFile}`,
    `open ${s.url}`,
  ].join('\n');
}
