import type { Platform } from '@slipway/dev-platform';
import type { DevStatus } from '../app/dev.js';
import { table } from './text.js';

/** `slipway dev`: the endpoints of a platform, its components' states, its shell exports. */

export function renderEndpoints(p: Platform): string {
  return (
    table([
      ['ENDPOINT', 'ADDRESS'],
      ['kube-apiserver', p.kube.server],
      ['kubeconfig', p.kube.kubeconfigPath],
      ...Object.values(p.vaults).map((v) => [
        v.server === 'openbao' ? 'openbao' : 'vault (hashicorp)',
        `${v.address} (KV v2 at ${v.kvMount}/, auth/kubernetes)`,
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
  return `${table([['COMPONENT', 'PID', 'STATE'], ...rows])}\n${renderEndpoints(status.platform)}`;
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
