import { resolveTool } from '@slipway/clients';
import { readEnv } from '../env.js';
import type { AppDeps } from './deps.js';

/** What the commands that never talk to a cluster need of AppDeps: the environment and external tools. */
export type ToolDeps = Pick<AppDeps, 'env' | 'tool'>;

/**
 * The real ToolDeps, as appDeps() makes them, without loading app/deps.js: its Kubernetes client
 * (client-node, ~6 MB of code) costs ~0.2 s at every start of `slipway build` and `slipway bake`.
 */
export function toolDeps(env = readEnv()): ToolDeps {
  return { env, tool: (name, flag) => resolveTool(name, { env: env.process, ...(flag ? { flag } : {}) }) };
}
