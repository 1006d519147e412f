import { isStrict } from '../catalog/policy.js';
import { spel } from './spel.js';
import { buildStageName, type Stage, type StageContext } from './stages.js';

/**
 * Runs when the build job reported changed values (`slipway build --check-values <stack>` writes
 * VALUES_CHANGED to build.properties; the jenkins stage's propertyFile puts it in its context).
 * Absent (build skipped with skipBuild, or a job that does not check): the judgment runs.
 */
export const whenValuesChanged = {
  expression: spel(`(#stage('${buildStageName}')['context']['VALUES_CHANGED'] ?: 'true') == 'true'`),
  type: 'expression',
};

/**
 * The values review of a strict stack with approvers, before its deploy stages: a manualJudgment
 * for the approvers' role (the group's team name, as Fiat knows it), notified to their Slack
 * channel, enabled only when the values changed. Undefined on other stacks.
 */
export function valuesJudgmentStage(ctx: StageContext, refId: string, after: string[]): Stage | undefined {
  const approvers = ctx.settings.stacks[ctx.stack]?.approvers;
  if (!approvers || !isStrict(ctx.settings, ctx.stack)) return undefined;
  const name = ctx.service.config.name;
  const role = approvers.group.replace(/^@/, '').split('/').pop() ?? approvers.group;
  return {
    failPipeline: true,
    instructions: `The ${ctx.stack} values of ${name} changed since its last release (digest in the build job's build.properties, VALUES_DIGEST; the diff: \`slipway bake ${name} --stack ${ctx.stack} --diff-against-release\`). One of ${approvers.users.join(', ')} (${approvers.group}) continues, never the person who started this run; stop to refuse.`,
    judgmentInputs: [],
    name: `Approve ${ctx.stack} values change`,
    notifications: approvers.slack
      ? [{ address: approvers.slack.replace(/^#/, ''), level: 'stage', type: 'slack', when: ['manualJudgment'] }]
      : [],
    refId,
    requisiteStageRefIds: after,
    selectedStageRoles: [role],
    sendNotifications: approvers.slack !== undefined,
    stageEnabled: whenValuesChanged,
    type: 'manualJudgment',
  };
}
