import { describe, expect, it } from 'vitest';
import type { RunRecord } from './run-state.js';
import { slackText } from './slack-message.js';

const run = (request: RunRecord['request'], state: RunRecord['state'], reason?: string): RunRecord => ({
  id: 'r1',
  request,
  user: 'alice',
  trigger: { kind: 'page' },
  state,
  createdAt: '',
  events: [],
  ...(reason ? { reason } : {}),
});
const url = 'https://serve.example/runs/r1';

describe('Slack messages', () => {
  it('say that a canary deploy that succeeded waits for promotion', () => {
    const canary = { service: 'web', stack: 'dev', imageTag: '1.5.0', canary: true, canaryWeight: 20 };
    expect(slackText(run(canary, 'succeeded'), url)).toBe(
      `:hatching_chick: web 1.5.0 (canary 20%) → dev is live and waits for promotion: promote or abort it on <${url}|run r1>`,
    );
    expect(slackText(run({ ...canary, canary: false }, 'succeeded'), url)).toBe(
      `:white_check_mark: web 1.5.0 → dev succeeded: <${url}|run r1>`,
    );
  });
  it('name a rollback and a canary promote for what they are', () => {
    const back = { kind: 'rollback', service: 'web', stack: 'prod', toRevision: 3, imageTag: '1.4.1' } as const;
    expect(slackText(run(back, 'running'), undefined)).toBe(
      ':rocket: alice started web rollback to revision 3 (1.4.1) → prod: run r1',
    );
    expect(slackText(run({ kind: 'promote', service: 'web', stack: 'dev' }, 'failed', 'a <b>'), undefined)).toBe(
      ':x: web canary promote → dev failed: a &lt;b&gt; run r1',
    );
  });
});
