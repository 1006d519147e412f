import { Command } from '@commander-js/extra-typings';
import { result } from '../output/text.js';

export function approveCommand() {
  return new Command('approve')
    .description("approve a strict stack's values change (by one of its approvers, not the deployer)")
    .argument('<service>', 'service name')
    .requiredOption('--stack <stack>', 'the strict stack')
    .requiredOption('--digest <digest>', 'the values digest the refused deploy showed')
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--values-branch <branch>', "read the catalog from this branch's commit (default the first allowed branch)")
    .option('--values-ref <commit>', 'read the catalog from this commit of the values branch')
    .option('--cluster <name>', "only this cluster of the stack (default: each of the stack's clusters)")
    .option('--kubeconfig <file>', "kubeconfig to use instead of the cluster's context (one cluster: with --cluster)")
    .action(async (name, opts) => {
      const [{ approve }, { appDeps }] = await Promise.all([
        import('../app/deploy/approve.js'),
        import('../app/deps.js'),
      ]);
      const { approval, clusters, change } = await approve(appDeps(), name, opts);
      const diff = change.changed ? `\n${change.diff.trimEnd()}` : '\n(the values are those of the last release)';
      result(
        `approved values ${approval.valuesDigest} of ${name} on ${approval.stack} by ${approval.approvedBy}, valid until ${approval.expiresAt} (clusters: ${clusters.join(', ')})${diff}`,
      );
    });
}
