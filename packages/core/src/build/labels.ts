export interface SourceInfo {
  /** the repository URL the image was built from */
  source: string;
  /** the commit id */
  revision: string;
  /** the commit time, seconds since the epoch */
  commitTime: number;
}

/**
 * OCI annotations (image-spec annotations.md) as image labels: where the image comes from, and
 * when, from the commit time rather than the clock, so the same commit gives the same labels.
 */
export function ociLabels(info: SourceInfo): Record<string, string> {
  return {
    'org.opencontainers.image.source': info.source,
    'org.opencontainers.image.revision': info.revision,
    'org.opencontainers.image.created': new Date(info.commitTime * 1000).toISOString().replace(/\.000Z$/, 'Z'),
  };
}
