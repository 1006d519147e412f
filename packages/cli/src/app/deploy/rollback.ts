import { InputError } from '@slipway/core';
import { ReleaseStore } from '@slipway/clients/kube';
import type { AppDeps, KubeConfigChoice } from '../deps.js';
import type { Reporter } from '../events.js';
import { engineIdentity } from './cluster.js';
import type { PipelineRun } from './deploy.js';
import { deployRelease, withDeployLock, type EngineContext } from './engine.js';

export interface RollbackOptions extends KubeConfigChoice {
  stack: string;
  toRevision?: number;
  /** Rollout timeout in ms. */
  timeout: number;
}

/**
 * `slipway rollback`: re-applies a recorded successful stable revision (default: the one before the
 * current) as a new revision and tracks its rollout. Needs only a kubeconfig: the history is in the cluster.
 */
export async function rollback(
  deps: AppDeps,
  service: string,
  opts: RollbackOptions,
  report: Reporter,
): Promise<PipelineRun> {
  const kc = deps.kubeConfig(opts);
  const records = (await new ReleaseStore(kc).listAll({ service, stack: opts.stack })).filter(
    (r) => r.track === 'stable' && r.result === 'succeeded',
  );
  const current = records[0];
  if (!current) throw new InputError(`no successful revision of ${service} on ${opts.stack} to roll back to`);
  const wanted = opts.toRevision === undefined ? records[1] : records.find((r) => r.revision === opts.toRevision);
  if (!wanted) {
    throw new InputError(
      opts.toRevision === undefined
        ? `${service} on ${opts.stack} has only revision ${current.revision}; nothing earlier to roll back to`
        : `revision ${opts.toRevision} of ${service} on ${opts.stack} is not in the history (have: ${records.map((r) => r.revision).join(', ')})`,
    );
  }
  const ctx: EngineContext = { kc, report, ...engineIdentity(deps), timeoutMs: opts.timeout };
  const target = { service, namespace: wanted.namespace, stack: opts.stack };
  const t0 = deps.now();
  const { revision: _r, ...baked } = {
    ...wanted,
    origin: `rollback to revision ${wanted.revision}`,
    deployedBy: ctx.user,
    deployedAt: new Date(deps.now()).toISOString(),
  };
  const summary = await withDeployLock(ctx, target, () => deployRelease(ctx, target, baked, false));
  return { summaries: [summary], elapsedMs: deps.now() - t0 };
}
