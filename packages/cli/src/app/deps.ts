import type { ToolLookup } from '@slipway/clients';
import { loadKubeAccess, type KubeAccess } from '@slipway/clients/kube';
import { readEnv, type SlipwayEnv } from '../env.js';
import { toolDeps } from './tool-deps.js';

/** A kubeconfig file and context, as the `--kubeconfig` / `--context` flags give them. */
export interface KubeConfigChoice {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

/**
 * What the app functions talk to besides their arguments: the environment (read once), external
 * tools, the cluster's kubeconfig and the clock. Commands build the real one (`appDeps()`); unit
 * tests pass their own.
 */
export interface AppDeps {
  env: SlipwayEnv;
  /** The path of an external binary (its flag, SLIPWAY_<NAME>, PATH, the tools cache). */
  tool: (name: string, flag?: ToolLookup['flag']) => string;
  kubeConfig: (choice: KubeConfigChoice) => KubeAccess;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export function appDeps(env: SlipwayEnv = readEnv()): AppDeps {
  return {
    ...toolDeps(env),
    kubeConfig: (choice) => loadKubeAccess(choice),
    now: () => Date.now(),
  };
}
