/**
 * A run: one deploy, rollback or canary promote / abort started from the page, the API or a
 * webhook, with every event the engine reported. Pure: the transitions and the stage view; run-store.ts keeps records in the cluster.
 *
 *   running ──▶ succeeded | failed      (the engine returned or threw)
 *   running ──▶ interrupted             (the process that ran it stopped first)
 *   running ──▶ awaiting-approval       (a strict stack's values changed, no valid approval yet)
 *   awaiting-approval ──▶ running       (another approver approved: the deploy goes on)
 *   awaiting-approval ──▶ rejected      (an approver rejected it: nothing is deployed)
 */

export type RunState = 'running' | 'awaiting-approval' | 'succeeded' | 'failed' | 'interrupted' | 'rejected';
export const finalStates: readonly RunState[] = ['succeeded', 'failed', 'interrupted', 'rejected'];

/** What a run waiting for a values approval shows, and who decided. */
export interface RunApproval {
  /** The values digest an approval must name. */
  digest: string;
  /** Unified diff of the reviewed values against the last release. */
  diff: string;
  previousRevision?: number | undefined;
  /** The approvers' group (CODEOWNERS owner) and the people in it. */
  group: string;
  approvers: string[];
  /** Why no approval counted yet, per cluster. */
  reasons: string[];
  decision?: { verdict: 'approved' | 'rejected'; by: string; at: string };
}

/** What a run does: a deploy, a rollback to an earlier revision, or a canary's promotion or abort. */
export type RunKind = 'deploy' | 'rollback' | 'promote' | 'abort';

/** What to deploy: the fields of `slipway deploy` (records of before the other kinds have no kind). */
export interface DeployRequest {
  kind?: 'deploy' | undefined;
  service: string;
  stack: string;
  imageTag: string;
  sourceBranch?: string | undefined;
  valuesBranch?: string | undefined;
  canary?: boolean | undefined;
  /** % of traffic to the canary (0–100). */
  canaryWeight?: number | undefined;
  skipBuild?: boolean | undefined;
}

/** `slipway rollback --to-revision`: an earlier successful revision, on one cluster of the stack or each. */
export interface RollbackRequest {
  kind: 'rollback';
  service: string;
  stack: string;
  toRevision: number;
  cluster?: string | undefined;
  /** The image tag of that revision, as the history showed it when the run was asked for. */
  imageTag?: string | undefined;
}

/** `slipway canary promote|abort`, on one cluster of the stack or each that runs a canary. */
export interface CanaryRequest {
  kind: 'promote' | 'abort';
  service: string;
  stack: string;
  cluster?: string | undefined;
  /** promote: bake stable from this branch's commit (strict stacks: default the first allowed branch). */
  valuesBranch?: string | undefined;
}

export type RunRequest = DeployRequest | RollbackRequest | CanaryRequest;

export const kindOf = (r: RunRequest): RunKind => r.kind ?? 'deploy';
export const isDeploy = (r: RunRequest): r is DeployRequest => kindOf(r) === 'deploy';

/** What a run asks of the engine, in a few words: `1.4.2 (canary 10%)`, `rollback to revision 3 (1.4.1)`. */
export function describeRequest(r: RunRequest): string {
  const where = 'cluster' in r && r.cluster ? ` @${r.cluster}` : '';
  switch (r.kind) {
    case 'rollback':
      return `rollback to revision ${r.toRevision}${r.imageTag ? ` (${r.imageTag})` : ''}${where}`;
    case 'promote':
    case 'abort':
      return `canary ${r.kind}${where}`;
    default:
      return `${r.imageTag}${r.canary ? ` (canary ${r.canaryWeight ?? 0}%)` : ''}`;
  }
}

/** Who started a run, and how. */
export interface RunTrigger {
  kind: 'page' | 'api' | 'webhook';
  /** A webhook's trigger name. */
  name?: string;
  /** A webhook's delivery id (refused when seen again). */
  delivery?: string;
}

/** One engine event, numbered from 1 in the order it came, with its time. */
export interface RunEvent {
  seq: number;
  at: string;
  type: string;
  service?: string;
  cluster?: string;
  stage?: string;
  state?: string;
  elapsedMs?: number;
  detail?: string;
  message?: string;
}

/** One service × cluster result, as `slipway deploy` prints it. */
export interface RunSummary {
  service: string;
  cluster?: string | undefined;
  result: string;
  revision?: number | undefined;
  reason?: string | undefined;
}

export interface RunRecord {
  id: string;
  request: RunRequest;
  user: string;
  trigger: RunTrigger;
  state: RunState;
  createdAt: string;
  finishedAt?: string;
  /** Why it failed or was interrupted. */
  reason?: string;
  summaries?: RunSummary[];
  events: RunEvent[];
  /** Events left out past maxEvents (a record must fit a ConfigMap). */
  droppedEvents?: number;
  /** A values review: what waits (or waited) for an approver. */
  approval?: RunApproval;
}

/** At most this many events are kept per run. */
export const maxEvents = 500;
const maxText = 2000;

export function newRun(id: string, request: RunRequest, user: string, trigger: RunTrigger, at: string): RunRecord {
  return { id, request, user, trigger, state: 'running', createdAt: at, events: [] };
}

const clip = (s: unknown) => (typeof s === 'string' ? (s.length > maxText ? `${s.slice(0, maxText)}…` : s) : undefined);

/** The run with one more engine event (the engine's fields kept, long texts clipped). */
export function appendEvent(run: RunRecord, event: Readonly<Record<string, unknown>>, at: string): RunRecord {
  assertRunning(run, 'add an event to');
  const seq = run.events.length + (run.droppedEvents ?? 0) + 1;
  const e: RunEvent = { seq, at, type: typeof event['type'] === 'string' ? event['type'] : 'progress' };
  for (const key of ['service', 'cluster', 'stage', 'state', 'detail', 'message'] as const) {
    const v = clip(event[key]);
    if (v !== undefined) e[key] = v;
  }
  if (typeof event['elapsedMs'] === 'number') e.elapsedMs = event['elapsedMs'];
  if (run.events.length >= maxEvents) return { ...run, droppedEvents: (run.droppedEvents ?? 0) + 1 };
  return { ...run, events: [...run.events, e] };
}

/** The run once the engine answered: failed when any service × cluster did not succeed. */
export function finishRun(run: RunRecord, summaries: readonly RunSummary[], at: string): RunRecord {
  assertRunning(run, 'finish');
  const failed = summaries.filter((s) => s.result !== 'succeeded');
  const reason = failed
    .map((s) => `${s.service}${s.cluster ? ` @${s.cluster}` : ''}: ${s.reason ?? s.result}`)
    .join('; ');
  return {
    ...run,
    state: failed.length > 0 || summaries.length === 0 ? 'failed' : 'succeeded',
    finishedAt: at,
    summaries: [...summaries],
    ...(failed.length > 0 ? { reason } : summaries.length === 0 ? { reason: 'nothing was deployed' } : {}),
  };
}

/** The run once the engine threw (a precondition, a lock held, a failed rollout of one cluster). */
export function failRun(run: RunRecord, reason: string, at: string): RunRecord {
  assertRunning(run, 'fail');
  return { ...run, state: 'failed', finishedAt: at, reason };
}

/** A run left running by a process that stopped: it will never finish. */
export function interruptRun(run: RunRecord, at: string, why = 'the server stopped while it ran'): RunRecord {
  assertRunning(run, 'interrupt');
  return { ...run, state: 'interrupted', finishedAt: at, reason: why };
}

/** The run stops to wait for an approver: the engine has not written anything. */
export function awaitApproval(run: RunRecord, approval: Omit<RunApproval, 'decision'>): RunRecord {
  assertRunning(run, 'hold');
  return { ...run, state: 'awaiting-approval', approval };
}

/** An approver decided on a waiting run: approved, it runs again; rejected, it ends. */
export function decideRun(run: RunRecord, verdict: 'approved' | 'rejected', by: string, at: string): RunRecord {
  if (run.state !== 'awaiting-approval' || !run.approval)
    throw new Error(`run ${run.id} does not wait for an approval: it is ${run.state}`);
  const approval = { ...run.approval, decision: { verdict, by, at } };
  return verdict === 'approved'
    ? { ...run, state: 'running', approval }
    : { ...run, state: 'rejected', finishedAt: at, reason: `rejected by ${by}`, approval };
}

function assertRunning(run: RunRecord, what: string): void {
  if (run.state !== 'running') throw new Error(`cannot ${what} run ${run.id}: it is already ${run.state}`);
}

/** One row of the run page: the latest state of a stage of a service on a cluster. */
export interface StageRow {
  key: string;
  service: string;
  cluster?: string;
  stage: string;
  state: string;
  elapsedMs: number;
  detail?: string;
}

/** The stage rows of a run, in the order each stage first started. */
export function runStages(events: readonly RunEvent[]): StageRow[] {
  const rows = new Map<string, StageRow>();
  for (const e of events) {
    if (e.type !== 'stage' || !e.stage) continue;
    const key = stageKey(e);
    rows.set(key, {
      key,
      service: e.service ?? '',
      ...(e.cluster ? { cluster: e.cluster } : {}),
      stage: e.stage,
      state: e.state ?? 'running',
      elapsedMs: e.elapsedMs ?? 0,
      ...(e.detail ? { detail: e.detail } : {}),
    });
  }
  return [...rows.values()];
}

export const stageKey = (e: Pick<RunEvent, 'service' | 'cluster' | 'stage'>) =>
  `${e.service ?? ''}/${e.cluster ?? ''}/${e.stage ?? ''}`;

/** A run id: sortable by creation time, unique by its random part, a valid label value and name part. */
export function runId(nowMs: number, random: string): string {
  return `${nowMs.toString(36).padStart(9, '0')}-${random
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 8)}`;
}
export const runIdPattern = /^[0-9a-z]{9}-[0-9a-z]{1,8}$/;
