#!/usr/bin/env node
import { Command } from '@commander-js/extra-typings';
import { SlipwayError } from '@slipway/core';
import { bakeCommand } from './commands/bake.js';
import { deployCommand } from './commands/deploy.js';
import { devCommand } from './commands/dev.js';
import { canaryCommand, historyCommand, rollbackCommand, statusCommand } from './commands/release.js';
import { secretSyncCommand } from './commands/secret-sync.js';
import { validateCommand } from './commands/validate.js';

const program = new Command('slipway')
  .description('one common CI/CD pipeline for microservices on Kubernetes')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
program.addCommand(validateCommand());
program.addCommand(bakeCommand());
program.addCommand(deployCommand());
program.addCommand(canaryCommand());
program.addCommand(statusCommand());
program.addCommand(historyCommand());
program.addCommand(rollbackCommand());
program.addCommand(secretSyncCommand());
program.addCommand(devCommand());

try {
  await program.parseAsync();
} catch (error) {
  // the one place errors become an exit code and a message
  if (error instanceof SlipwayError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(
      `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
