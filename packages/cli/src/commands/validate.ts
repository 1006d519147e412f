import { Command, Option } from '@commander-js/extra-typings';
import { formatIssue } from '@slipway/core';
import { checkCatalog } from '../catalog/load-catalog.js';
import { result } from '../report.js';

export function validateCommand() {
  return new Command('validate')
    .description('check the catalog: schemas, references and production policy; reports every problem at once')
    .argument('[dir]', 'catalog directory (holds slipway.yaml)', '.')
    .addOption(
      new Option('--output <format>', 'text or json').choices(['text', 'json'] as const).default('text' as const),
    )
    .action((dir, opts) => {
      const { issues } = checkCatalog(dir);
      if (opts.output === 'json') result(JSON.stringify({ valid: issues.length === 0, issues }, null, 2));
      else if (issues.length === 0) result(`${dir}: the catalog is valid`);
      else {
        const files = new Set(issues.map((i) => i.file)).size;
        result(
          `${issues.map(formatIssue).join('\n')}\n\n✗ ${issues.length} problem${issues.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`,
        );
      }
      if (issues.length > 0) process.exitCode = 2;
    });
}
