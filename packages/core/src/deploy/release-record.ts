import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

/** One deploy of a service to a stack, as kept in the cluster (history, status, rollback). */
export interface ReleaseRecord {
  service: string;
  namespace: string;
  stack: string;
  /** The catalog's name of the cluster the record lives in (absent in records written before clusters had names). */
  cluster?: string;
  revision: number;
  track: 'stable' | 'canary';
  imageTag: string;
  canaryWeight?: number;
  result: 'succeeded' | 'failed';
  reason?: string;
  deployedBy: string;
  deployedAt: string;
  /** The branch the image was built from: --source-branch, else the image's label. */
  sourceBranch?: string;
  /** The commit the image was built from (its org.opencontainers.image.revision label). */
  sourceCommit?: string;
  valuesBranch?: string;
  /** The catalog commit the values were read from (absent: the working tree of a non-strict stack). */
  valuesCommit?: string;
  /** Digest of the reviewed values (`valuesDigest`), on strict stacks with approvers. */
  valuesDigest?: string;
  /** Who approved the values change this release deployed. */
  approvedBy?: string;
  /** A deploy of changed values without approval (`--break-glass --reason`): who and why. */
  breakGlass?: { by: string; reason: string };
  /** Digest of the rendered manifests: an identical re-deploy reuses the revision. */
  digest: string;
  /** What produced this revision: a deploy, or a rollback to an earlier revision. */
  origin: string;
  values: Record<string, unknown>;
  manifests: { workload: string; routing: string };
}

/** Kept per service × stack: the successful revisions, newest first. */
export const historyLimit = 10;

export function encodeRecord(record: ReleaseRecord): string {
  return gzipSync(JSON.stringify(record)).toString('base64');
}

export function decodeRecord(data: string): ReleaseRecord {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as ReleaseRecord;
}

export function manifestDigest(manifests: { workload: string; routing: string }, values: unknown): string {
  return createHash('sha256')
    .update(manifests.workload)
    .update('\0')
    .update(manifests.routing)
    .update('\0')
    .update(JSON.stringify(values))
    .digest('hex')
    .slice(0, 16);
}

/** Records to delete so that at most `historyLimit` successful ones (and the newest failed one) stay. */
export function recordsToForget(records: readonly ReleaseRecord[]): ReleaseRecord[] {
  const newestFirst = [...records].sort((a, b) => b.revision - a.revision || b.deployedAt.localeCompare(a.deployedAt));
  const succeeded = newestFirst.filter((r) => r.result === 'succeeded');
  const keep = new Set([
    ...succeeded.slice(0, historyLimit),
    ...newestFirst.filter((r) => r.result === 'failed').slice(0, 1),
  ]);
  return newestFirst.filter((r) => !keep.has(r));
}
