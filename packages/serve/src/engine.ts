import type { KubeConfig } from '@kubernetes/client-node';
import type { Catalog } from '@slipway/core';
import type { RunApproval, RunRequest, RunSummary } from './pure/run-state.js';

/** One engine event as the CLI's reporter gets it (stage, progress, warning, summary). */
export type EngineEvent = Readonly<Record<string, unknown>> & { type: string };

/** One service × stack × cluster as `slipway status` shows it. */
export interface BoardStatus {
  service: string;
  stack: string;
  cluster: string;
  imageTag: string | null;
  revision: number | null;
  ready: number;
  desired: number;
  canaryWeight?: number;
  lastDeploy: string;
  lastResult: string;
}

export interface ClusterReach {
  name: string;
  reachable: boolean;
  error?: string;
}

/**
 * What the server runs: the same engine as the CLI (`slipway deploy`, `slipway status`), handed in
 * by the CLI's `slipway serve` so that this package does not depend on the CLI.
 */
export interface ServeEngine {
  /** The catalog, read and validated again (a catalog fixed on disk is seen without a restart). */
  catalog: () => Catalog;
  /** The preconditions of `slipway deploy` (policy, branch rules): throws their message, runs nothing. */
  check: (request: RunRequest) => void;
  /** `slipway deploy` as `user`, every event to `report`. */
  deploy: (request: RunRequest, user: string, report: (event: EngineEvent) => void) => Promise<RunSummary[]>;
  /** `slipway status` over every cluster of the catalog. */
  status: () => Promise<{ services: BoardStatus[]; clusters: ClusterReach[] }>;
  /** The service's image tags in the registry, in any order. */
  tags: (service: string) => Promise<string[]>;
  /** The cluster that keeps the run records. */
  runsCluster: () => KubeConfig;
  /**
   * The values review of `slipway deploy` for `user` (a strict stack with approvers): what an
   * approver must approve, or undefined when nothing needs one (unchanged values, a valid approval).
   */
  review?: (request: RunRequest, user: string) => Promise<Omit<RunApproval, 'decision'> | undefined>;
  /** `slipway approve` by `approver`: records the approval of `digest` in every cluster of the stack. */
  approve?: (request: RunRequest, digest: string, approver: string) => Promise<void>;
}
