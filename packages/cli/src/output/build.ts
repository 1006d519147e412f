import type { BuildResult } from '@slipway/core';

/** `slipway build`'s result on stdout: the build.properties fields as JSON, or one line of text. */
export function renderBuild(result: BuildResult, format: 'text' | 'json'): string {
  if (format === 'json')
    return JSON.stringify({
      image: result.image,
      tag: result.tag,
      digest: result.digest,
      skipped: result.skipped,
      revision: result.revision,
      sourceBranch: result.sourceBranch,
    });
  const at = result.digest ? `@${result.digest}` : '';
  return result.skipped
    ? `${result.image}:${result.tag}${at} already in the registry, not built`
    : `${result.image}:${result.tag}${at} built from ${result.revision} and pushed`;
}

/** The prefix of each streamed builder line (stderr), so it reads apart from slipway's own lines. */
export const buildLinePrefix = (service: string) => `[build ${service}] `;
