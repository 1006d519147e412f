import { Command, Option } from '@commander-js/extra-typings';
import { maxClusters } from '@slipway/dev-platform';
import { integerFlag } from '../flags.js';
import { progress, result } from '../output/text.js';

/** `slipway dev up | status | env | repo add | serve | down`: flags here, the work in app/dev.ts, the text in output/dev.ts. */

const dirOption = ['--dir <path>', 'state dir (config, logs, pids)'] as const;

const load = () => Promise.all([import('../app/dev.js'), import('../output/dev.js')]);

export function devCommand() {
  const dev = new Command('dev').description(
    'the local platform: a real control plane, OpenBao and/or HashiCorp Vault, registry and git server',
  );

  dev
    .command('up')
    .description('start the local platform and wait until every piece is ready')
    .option(...dirOption)
    .option('--nodes <n>', 'fake kwok nodes in each cluster', '3')
    .addOption(
      new Option(
        '--clusters <n>',
        `independent Kubernetes clusters, 1 to ${maxClusters} (contexts slipway-dev, slipway-dev-2, …)`,
      )
        .argParser(integerFlag(1, maxClusters))
        .default(1),
    )
    .option('--vault <server>', 'Vault server: openbao, hashicorp, or both', 'openbao')
    .action(async (opts) => {
      const [app, output] = await load();
      const { platform, seconds } = await app.devUp({
        dir: opts.dir ?? app.defaultDevDir(),
        nodes: opts.nodes,
        vault: opts.vault,
        clusters: opts.clusters,
        onProgress: progress,
      });
      progress(`local platform up in ${seconds.toFixed(1)}s`);
      result(output.renderEndpoints(platform));
    });

  dev
    .command('status')
    .description(
      "show what runs and each cluster's Ready nodes (exit 1 when the platform, a process or a cluster is down)",
    )
    .option(...dirOption)
    .action(async (opts) => {
      const [app, output] = await load();
      const status = await app.devStatus(opts.dir ?? app.defaultDevDir());
      result(output.renderDevStatus(status));
      const down =
        status.running && (status.components.some((c) => !c.alive) || status.clusters.some((c) => !c.health.up));
      if (!status.running || down) process.exitCode = 1;
    });

  dev
    .command('env')
    .description('print shell exports for the running platform: eval "$(slipway dev env)"')
    .option(...dirOption)
    .action(async (opts) => {
      const [app, output] = await load();
      result(output.renderDevEnv(app.devEnv(opts.dir ?? app.defaultDevDir())));
    });

  dev
    .command('repo')
    .description("service repositories on the platform's git server")
    .command('add')
    .description(
      "host a directory (a git work tree's HEAD, or a plain directory committed for you) as <service>.git with a read-only deploy key stored in Vault; prints the clone URL last",
    )
    .argument('<service>', 'service name (the repository and deploy key name)')
    .argument('<source>', "the service's source directory")
    .option(...dirOption)
    .option(
      '--catalog <dir>',
      'catalog whose vault.deployKeys says where the key goes (default: . when it has slipway.yaml)',
    )
    .action(async (service, source, opts) => {
      const [app, output] = await load();
      const hosted = await app.devRepoAdd(opts.dir ?? app.defaultDevDir(), service, source, opts.catalog);
      progress(output.renderRepoHosted(service, source, hosted));
      result(hosted.url);
    });

  dev
    .command('serve')
    .description(
      'run `slipway serve` for a catalog in the background on the platform (stopped by `dev down`): a generated sign-in, a secret per webhook trigger, Slack off',
    )
    .requiredOption('--catalog <dir>', 'catalog directory')
    .option(...dirOption)
    .action(async (opts) => {
      const [app, output] = await load();
      result(output.renderDevServe(await app.devServe(opts.dir ?? app.defaultDevDir(), opts.catalog)));
    });

  dev
    .command('down')
    .description('stop every process the platform started and remove its state dir')
    .option(...dirOption)
    .action(async (opts) => {
      const [app] = await load();
      const dir = opts.dir ?? app.defaultDevDir();
      const existed = await app.devDown(dir);
      result(existed ? `the local platform is stopped; ${dir} removed` : `nothing to stop in ${dir}`);
    });
  return dev;
}
