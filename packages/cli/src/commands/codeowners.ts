import { Command } from '@commander-js/extra-typings';
import { progress, result } from '../output/text.js';

export function codeownersCommand() {
  return new Command('codeowners')
    .description("the catalog's CODEOWNERS: each strict stack's approver group owns its values files (and values.yaml)")
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--write', 'write <catalog>/CODEOWNERS instead of printing it')
    .action(async (opts) => {
      const { codeowners } = await import('../app/codeowners.js');
      const out = codeowners(opts.catalog, opts.write === true);
      if (out.written) progress(`wrote ${out.path}`);
      else result(out.text.trimEnd());
    });
}
