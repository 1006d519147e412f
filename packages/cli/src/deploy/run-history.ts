import { AppsV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { InputError, type ReleaseRecord } from '@slipway/core';
import { loadKubeConfig, ReleaseStore } from '@slipway/clients/kube';
import { result, table } from '../report.js';
import { deployer } from './cluster.js';
import { deployRelease, withDeployLock, type EngineContext } from './engine.js';
import { jsonReporter, textReporter } from './reporter.js';
import { summarise } from './run-deploy.js';

/** These commands need only a kubeconfig: the history lives in the cluster. */
export interface ClusterOptions {
  kubeconfig?: string;
  context?: string;
  output: 'text' | 'json';
}

const kubeOf = (o: ClusterOptions) => loadKubeConfig({ kubeconfig: o.kubeconfig, context: o.context });
const when = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export async function runStatus(service: string | undefined, opts: ClusterOptions & { stack?: string }): Promise<void> {
  const kc = kubeOf(opts);
  const records = await new ReleaseStore(kc).listAll({ service, stack: opts.stack });
  const latest = new Map<string, ReleaseRecord[]>();
  for (const r of records) latest.set(`${r.service}/${r.stack}`, [...(latest.get(`${r.service}/${r.stack}`) ?? []), r]);
  const rows = await Promise.all(
    [...latest.values()].map(async (all) => {
      const last = all[0] as ReleaseRecord;
      const stable = all.find((r) => r.track === 'stable' && r.result === 'succeeded');
      const live = await liveState(kc, last);
      return {
        service: last.service,
        stack: last.stack,
        namespace: last.namespace,
        revision: stable?.revision ?? null,
        imageTag: stable?.imageTag ?? null,
        ready: live.ready,
        desired: live.desired,
        canaryWeight: live.canaryWeight,
        lastDeploy: last.deployedAt,
        lastResult:
          last.result === 'failed'
            ? `failed (${last.reason ?? '?'})`
            : `${last.result}${last.track === 'canary' ? ' (canary)' : ''}`,
      };
    }),
  );
  rows.sort((a, b) => a.service.localeCompare(b.service) || a.stack.localeCompare(b.stack));
  if (opts.output === 'json') return result(JSON.stringify(rows, null, 2));
  if (rows.length === 0) return result('no deploys found in this cluster');
  result(
    table([
      ['SERVICE', 'STACK', 'REVISION', 'IMAGE', 'READY', 'CANARY', 'LAST DEPLOY', 'RESULT'],
      ...rows.map((r) => [
        r.service,
        r.stack,
        String(r.revision ?? '-'),
        r.imageTag ?? '-',
        `${r.ready}/${r.desired}`,
        r.canaryWeight === undefined ? '-' : `${r.canaryWeight}%`,
        when(r.lastDeploy),
        r.lastResult,
      ]),
    ]),
  );
}

async function liveState(
  kc: KubeConfig,
  record: ReleaseRecord,
): Promise<{ ready: number; desired: number; canaryWeight?: number }> {
  const apps = kc.makeApiClient(AppsV1Api);
  const isSts = /kind: StatefulSet/.test(record.manifests.workload);
  const read = isSts
    ? apps.readNamespacedStatefulSet({ name: record.service, namespace: record.namespace })
    : apps.readNamespacedDeployment({ name: record.service, namespace: record.namespace });
  const w = await read.catch(() => undefined);
  const vs = (await kc
    .makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1',
      namespace: record.namespace,
      plural: 'virtualservices',
      name: record.service,
    })
    .catch(() => undefined)) as
    { spec?: { http?: { route?: { destination?: { subset?: string }; weight?: number }[] }[] } } | undefined;
  const routes = vs?.spec?.http ?? [];
  const weighted = routes[routes.length - 1]?.route ?? [];
  const canary = weighted.find((d) => d.destination?.subset === 'canary')?.weight;
  return {
    ready: w?.status?.readyReplicas ?? 0,
    desired: w?.spec?.replicas ?? 0,
    ...(canary === undefined ? {} : { canaryWeight: canary }),
  };
}

export async function runHistory(service: string, opts: ClusterOptions & { stack: string }): Promise<void> {
  const records = await new ReleaseStore(kubeOf(opts)).listAll({ service, stack: opts.stack });
  if (opts.output === 'json')
    return result(
      JSON.stringify(
        records.map(({ manifests: _m, values: _v, ...r }) => r),
        null,
        2,
      ),
    );
  if (records.length === 0) return result(`no history for ${service} on ${opts.stack}`);
  result(
    table([
      ['REVISION', 'TRACK', 'IMAGE', 'RESULT', 'DEPLOYED', 'BY', 'BRANCHES', 'ORIGIN'],
      ...records.map((r) => [
        String(r.revision),
        r.track,
        r.imageTag,
        r.result === 'failed' ? `failed (${r.reason ?? '?'})` : r.result,
        when(r.deployedAt),
        r.deployedBy,
        [r.sourceBranch, r.valuesBranch].filter(Boolean).join('/') || '-',
        r.origin,
      ]),
    ]),
  );
}

/** Re-applies a recorded revision (default: the one before the current) as a new revision. */
export async function runRollback(
  service: string,
  opts: ClusterOptions & { stack: string; toRevision?: number; timeout: number },
): Promise<void> {
  const kc = kubeOf(opts);
  const report = opts.output === 'json' ? jsonReporter() : textReporter();
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
  const ctx: EngineContext = { kc, report, user: deployer(), timeoutMs: opts.timeout };
  const target = { service, namespace: wanted.namespace, stack: opts.stack };
  const t0 = Date.now();
  const { revision: _r, ...baked } = {
    ...wanted,
    origin: `rollback to revision ${wanted.revision}`,
    deployedBy: ctx.user,
    deployedAt: new Date().toISOString(),
  };
  const summary = await withDeployLock(ctx, target, () => deployRelease(ctx, target, baked, false));
  summarise(report, opts.output, [summary], Date.now() - t0);
  if (summary.result !== 'succeeded') process.exitCode = 1;
}
