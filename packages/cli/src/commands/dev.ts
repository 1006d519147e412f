import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import { InputError } from '@slipway/core';
import {
  isAlive,
  platformFromState,
  platformPaths,
  readState,
  runningState,
  startPlatform,
  stopPlatform,
  type VaultServer,
} from '@slipway/dev-platform';
import { progress, result, table } from '../report.js';

const vaultChoice: Record<string, VaultServer[] | undefined> = {
  openbao: ['openbao'],
  hashicorp: ['hashicorp'],
  both: ['openbao', 'hashicorp'],
};

/** Where `slipway dev` keeps its state: SLIPWAY_DEV_DIR, else the XDG state dir. */
export function defaultDevDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['SLIPWAY_DEV_DIR'] ?? join(env['XDG_STATE_HOME'] ?? join(homedir(), '.local', 'state'), 'slipway', 'dev');
}

export function devCommand() {
  const dev = new Command('dev').description(
    'the local platform: a real control plane, OpenBao and/or HashiCorp Vault, registry and git server',
  );
  const dirOption = ['--dir <path>', 'state dir (config, logs, pids)'] as const;

  dev
    .command('up')
    .description('start the local platform and wait until every piece is ready')
    .option(...dirOption)
    .option('--nodes <n>', 'fake kwok nodes', '3')
    .option('--vault <server>', 'Vault server: openbao, hashicorp, or both', 'openbao')
    .action(async (opts) => {
      const dir = opts.dir ?? defaultDevDir();
      const running = runningState(dir);
      if (running) {
        throw new InputError(
          `the local platform already runs (started ${running.startedAt}, state in ${dir}); use \`slipway dev status\`, or \`slipway dev down\` first`,
        );
      }
      await stopPlatform(dir); // leftovers of a platform that died
      const nodes = Number(opts.nodes);
      if (!Number.isInteger(nodes) || nodes < 1)
        throw new InputError(`--nodes must be a positive integer, got ${opts.nodes}`);
      const vaults = vaultChoice[opts.vault];
      if (!vaults) throw new InputError(`--vault must be openbao, hashicorp or both, got ${opts.vault}`);
      const t0 = Date.now();
      const platform = await startPlatform({ dir, nodes, vaults, onProgress: progress });
      progress(`local platform up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      result(endpoints(platform));
    });

  dev
    .command('status')
    .description('show what runs (exit 1 when the platform is not running)')
    .option(...dirOption)
    .action((opts) => {
      const dir = opts.dir ?? defaultDevDir();
      const state = readState(platformPaths(dir).state);
      if (!state) {
        result(`the local platform is not running (no state in ${dir}); start it with \`slipway dev up\``);
        process.exitCode = 1;
        return;
      }
      const rows = Object.entries(state.pids).map(([name, pid]) => [
        name,
        String(pid),
        isAlive(pid) ? 'running' : 'stopped',
      ]);
      result(table([['COMPONENT', 'PID', 'STATE'], ...rows]));
      result(endpoints(platformFromState(dir, state)));
      if (rows.some((r) => r[2] !== 'running')) process.exitCode = 1;
    });

  dev
    .command('env')
    .description('print shell exports for the running platform: eval "$(slipway dev env)"')
    .option(...dirOption)
    .action((opts) => {
      const dir = opts.dir ?? defaultDevDir();
      const state = runningState(dir);
      if (!state)
        throw new InputError(`the local platform is not running (state dir ${dir}); start it with \`slipway dev up\``);
      const p = platformFromState(dir, state);
      const vars: [string, string][] = [
        ['KUBECONFIG', p.kube.kubeconfigPath],
        ['VAULT_ADDR', p.vault.address],
        ['BAO_ADDR', p.vault.address],
        ['VAULT_TOKEN', p.vault.rootToken],
        ['BAO_TOKEN', p.vault.rootToken],
        ['SLIPWAY_REGISTRY', p.registry.host],
        ['SLIPWAY_REGISTRY_USERNAME', p.registry.username],
        ['SLIPWAY_REGISTRY_PASSWORD', p.registry.password],
        ['SLIPWAY_GIT_SSH_PORT', String(state.ports.sshd)],
      ];
      result(vars.map(([k, v]) => `export ${k}='${v}'`).join('\n'));
    });

  dev
    .command('down')
    .description('stop every process the platform started and remove its state dir')
    .option(...dirOption)
    .action(async (opts) => {
      const dir = opts.dir ?? defaultDevDir();
      const existed = await stopPlatform(dir);
      result(existed ? `the local platform is stopped; ${dir} removed` : `nothing to stop in ${dir}`);
    });
  return dev;
}

function endpoints(p: ReturnType<typeof platformFromState>): string {
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
