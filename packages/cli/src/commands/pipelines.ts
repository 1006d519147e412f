import { Command } from '@commander-js/extra-typings';
import { progress } from '../output/text.js';
import { addGateCommands } from './pipelines-gate.js';

/** `slipway pipelines`: the Spinnaker pipelines of the catalog (one per service × stack). */
export function pipelinesCommand() {
  const pipelines = new Command('pipelines').description(
    'the Spinnaker pipelines of the catalog: one deploy-<stack> pipeline per service and stack',
  );
  pipelines
    .command('render')
    .description('write <out>/<service>/deploy-<stack>.json, every pipeline validated first')
    .requiredOption('--out <dir>', 'folder to write the pipelines to')
    .option('--catalog <dir>', 'catalog directory', '.')
    .option('--service <service>', 'only this service')
    .option('--stack <stack>', 'only this stack')
    .action(async (opts) => {
      const { renderPipelineFiles, renderDeps } = await import('../app/pipelines/render.js');
      const { written } = await renderPipelineFiles(renderDeps(), opts);
      for (const file of written) progress(`wrote ${file}`);
      progress(`${written.length} pipeline${written.length === 1 ? '' : 's'} in ${opts.out}`);
    });
  addGateCommands(pipelines);
  return pipelines;
}

/** `slipway jenkins`: the Jenkins build job the pipelines' jenkins stage runs. */
export function jenkinsCommand() {
  const jenkins = new Command('jenkins').description('the Jenkins build job that the Spinnaker pipelines run');
  jenkins
    .command('render')
    .description('write the Jenkinsfile and the Job DSL definition of the build job (slipway build)')
    .requiredOption('--out <dir>', 'folder to write them to')
    .option('--catalog <dir>', 'catalog directory', '.')
    .action(async (opts) => {
      const { renderJenkinsFiles } = await import('../app/pipelines/jenkins.js');
      const { written, scriptPath } = renderJenkinsFiles(opts);
      for (const file of written) progress(`wrote ${file}`);
      progress(`commit the Jenkinsfile to the catalog repository as ${scriptPath}; seed the job with the .groovy file`);
    });
  return jenkins;
}
