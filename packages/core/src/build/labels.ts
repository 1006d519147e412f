/** The image labels slipway writes and, on strict stacks, reads back before a deploy. */
export const imageLabelKeys = {
  source: 'org.opencontainers.image.source',
  revision: 'org.opencontainers.image.revision',
  created: 'org.opencontainers.image.created',
  /** no OCI key names the branch: slipway's own, in reverse-DNS form as OCI asks */
  branch: 'dev.slipway.source-branch',
} as const;

export interface SourceInfo {
  /** the repository URL the image was built from */
  source: string;
  /** the commit id */
  revision: string;
  /** the commit time, seconds since the epoch */
  commitTime: number;
  /** the branch that was cloned */
  branch?: string;
}

/**
 * OCI annotations (image-spec annotations.md) as image labels: where the image comes from, and
 * when, from the commit time rather than the clock, so the same commit gives the same labels;
 * plus the branch, which strict stacks check before deploying the image.
 */
export function ociLabels(info: SourceInfo): Record<string, string> {
  return {
    [imageLabelKeys.source]: info.source,
    [imageLabelKeys.revision]: info.revision,
    [imageLabelKeys.created]: new Date(info.commitTime * 1000).toISOString().replace(/\.000Z$/, 'Z'),
    ...(info.branch ? { [imageLabelKeys.branch]: info.branch } : {}),
  };
}
