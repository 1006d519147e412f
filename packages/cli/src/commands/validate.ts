import { Command } from '@commander-js/extra-typings';
import { outputFormatOption } from '../flags.js';
import { renderValidation } from '../output/validation.js';
import { result } from '../output/text.js';

export function validateCommand() {
  return new Command('validate')
    .description('check the catalog: schemas, references and production policy; reports every problem at once')
    .argument('[dir]', 'catalog directory (holds slipway.yaml)', '.')
    .addOption(outputFormatOption('text or json'))
    .action(async (dir, opts) => {
      const { validateCatalog } = await import('../app/validate.js');
      const validation = validateCatalog(dir);
      result(renderValidation(validation, opts.output));
      if (validation.issues.length > 0) process.exitCode = 2;
    });
}
