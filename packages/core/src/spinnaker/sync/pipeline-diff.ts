import { createTwoFilesPatch } from 'diff';
import { stableJson } from './normalise.js';

/**
 * A readable unified diff of one pipeline, Gate's copy (normalised) → the rendered one, over the
 * key-sorted JSON of each: `--- gate/<app>/<name>`, `+++ catalog/<app>/<name>`, hunks with 3 lines
 * of context. Empty when they are the same.
 */
export function pipelineDiff(
  where: { application: string; name: string },
  actual: Record<string, unknown> | undefined,
  desired: Record<string, unknown> | undefined,
): string {
  const before = actual === undefined ? '' : `${stableJson(actual)}\n`;
  const after = desired === undefined ? '' : `${stableJson(desired)}\n`;
  if (before === after) return '';
  const path = `${where.application}/${where.name}`;
  const patch = createTwoFilesPatch(`gate/${path}`, `catalog/${path}`, before, after, undefined, undefined, {
    context: 3,
  });
  // drop the "====" separator line the library puts first
  return patch.replace(/^=+\n/, '');
}
