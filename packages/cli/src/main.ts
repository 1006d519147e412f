import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildCommand } from './commands/build.js';
import { bakeCommand } from './commands/bake.js';
import { approveCommand } from './commands/approve.js';
import { codeownersCommand } from './commands/codeowners.js';
import { deployCommand } from './commands/deploy.js';
import { devCommand } from './commands/dev.js';
import { jenkinsCommand, pipelinesCommand } from './commands/pipelines.js';
import { canaryCommand, historyCommand, rollbackCommand, statusCommand } from './commands/release.js';
import { secretSyncCommand } from './commands/secret-sync.js';
import { serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { readEnv } from './env.js';
import { describeError, redact } from './errors.js';

const argv = process.argv.slice(2);
const debug = argv.includes('--debug') || readEnv().debug;
// with --debug, src/start.ts loaded the bundle with source maps on: a stack trace names the sources
/** `--output json` anywhere on the command line: errors are JSON too. */
const json = argv.some((a, i) => a === '--output=json' || (a === '--output' && argv[i + 1] === 'json'));

const program = new Command('slipway')
  .description('one common CI/CD pipeline for microservices on Kubernetes')
  .version('0.1.0')
  .option('--debug', 'show the stack of an unexpected error');
program.addCommand(validateCommand());
program.addCommand(buildCommand());
program.addCommand(bakeCommand());
program.addCommand(deployCommand());
program.addCommand(approveCommand());
program.addCommand(codeownersCommand());
program.addCommand(canaryCommand());
program.addCommand(statusCommand());
program.addCommand(historyCommand());
program.addCommand(rollbackCommand());
program.addCommand(pipelinesCommand());
program.addCommand(jenkinsCommand());
program.addCommand(secretSyncCommand());
program.addCommand(serveCommand());
program.addCommand(devCommand());

// usage errors exit 2 on every subcommand, as at the top level
const usage = (command: CommandUnknownOpts) => {
  command.showHelpAfterError('(add --help for usage)').exitOverride((err) => {
    throw err;
  });
  for (const sub of command.commands) usage(sub);
};
usage(program);

// no top-level await: the bundle is loaded as CommonJS (src/start.ts)
program.parseAsync().catch((error: unknown) => {
  // the one place errors become an exit code and a message
  if (error instanceof CommanderError) {
    if (json && error.exitCode !== 0) writeJson({ type: 'UsageError', message: error.message, exitCode: 2 });
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    const report = describeError(error);
    if (json) writeJson(report);
    else process.stderr.write(redact(`error: ${report.message}\n`));
    if (debug && error instanceof Error && error.stack) process.stderr.write(redact(`${error.stack}\n`));
    else if (report.type === 'UnexpectedError') process.stderr.write('(run with --debug for the stack trace)\n');
    process.exitCode = report.exitCode;
  }
});

function writeJson(report: ReturnType<typeof describeError>): void {
  // one line: also a valid last event of a JSON-lines stream
  process.stdout.write(redact(`${JSON.stringify({ error: report })}\n`));
}
