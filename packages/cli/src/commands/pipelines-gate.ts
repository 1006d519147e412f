import { type Command, Option } from '@commander-js/extra-typings';
import { integerFlag, outputFormatOption } from '../flags.js';
import { result } from '../output/text.js';

/** The flags plan and apply share: catalog, Gate and its x509 files, scope, prune, output. */
function gateCommand(parent: Command, name: 'plan' | 'apply', description: string) {
  return parent
    .command(name)
    .description(description)
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--gate <url>', "Gate's URL (default: spinnaker.gate of slipway.yaml)")
    .option('--gate-cert <file>', 'x509 client certificate, PEM (default: $SLIPWAY_GATE_CERT)')
    .option('--gate-key <file>', "the client certificate's key, PEM (default: $SLIPWAY_GATE_KEY)")
    .option('--gate-ca <file>', "CA of Gate's certificate, PEM (default: $SLIPWAY_GATE_CA, else the system's)")
    .option('--service <service>', 'only this service (application)')
    .option('--prune', 'delete managed pipelines the catalog no longer renders (never one made by hand)', false)
    .addOption(
      new Option('--concurrency <n>', 'applications read and written at once').argParser(integerFlag(1, 64)).default(8),
    )
    .addOption(outputFormatOption('text or json (one object per pipeline)'));
}

/** `slipway pipelines plan|apply`: keep Spinnaker's pipelines in sync with the catalog through Gate. */
export function addGateCommands(pipelines: Command): void {
  gateCommand(
    pipelines,
    'plan',
    "compare the catalog's pipelines with Gate's: create, update, delete (--prune), unchanged, with a diff each",
  )
    .option(
      '--detailed-exitcode',
      'exit 0 when nothing would change, 2 when something would, 1 on error (for CI)',
      false,
    )
    .action(async (opts) => {
      const [{ planPipelines }, { appDeps }, { renderPlan }] = await Promise.all([
        import('../app/pipelines/plan.js'),
        import('../app/deps.js'),
        import('../output/pipelines.js'),
      ]);
      const { plan } = await planPipelines(appDeps(), opts);
      result(renderPlan(plan, opts.output));
      if (opts.detailedExitcode && plan.changes) process.exitCode = 2;
    });
  gateCommand(
    pipelines,
    'apply',
    'write the plan to Gate: create applications, save with staleCheck, verify, prune (--prune)',
  ).action(async (opts) => {
    const [{ applyPipelines }, { appDeps }, { renderApply }] = await Promise.all([
      import('../app/pipelines/apply.js'),
      import('../app/deps.js'),
      import('../output/pipelines.js'),
    ]);
    const report = await applyPipelines(appDeps(), opts);
    result(renderApply(report, opts.output));
    if (!report.ok) process.exitCode = 1;
  });
}
