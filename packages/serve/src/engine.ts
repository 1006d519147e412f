import type { KubeAccess } from '@slipway/clients/kube';
import type { Catalog } from '@slipway/core';
import type { CanaryRequest, DeployRequest, RollbackRequest, RunApproval, RunSummary } from './pure/run-state.js';

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
  /** The canary workload's replicas, while a canary runs. */
  canary?: { ready: number; desired: number };
  lastDeploy: string;
  lastResult: string;
}

/** One revision of a service on a stack in one cluster, as `slipway history` shows it. */
export interface HistoryEntry {
  revision: number;
  track: 'stable' | 'canary';
  imageTag: string;
  canaryWeight?: number | undefined;
  result: 'succeeded' | 'failed';
  reason?: string | undefined;
  deployedBy: string;
  deployedAt: string;
  origin: string;
  sourceBranch?: string | undefined;
  valuesCommit?: string | undefined;
}

/** The revisions of a service on a stack in one cluster, newest first (none when it is unreachable). */
export interface ClusterHistory {
  cluster: string;
  reachable: boolean;
  error?: string | undefined;
  entries: HistoryEntry[];
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
  check: (request: DeployRequest) => void;
  /** `slipway deploy` as `user`, every event to `report`. */
  deploy: (request: DeployRequest, user: string, report: (event: EngineEvent) => void) => Promise<RunSummary[]>;
  /** `slipway rollback --to-revision` as `user` (on the request's cluster, else each of the stack's). */
  rollback: (request: RollbackRequest, user: string, report: (event: EngineEvent) => void) => Promise<RunSummary[]>;
  /** `slipway canary promote|abort` as `user`. */
  canary: (request: CanaryRequest, user: string, report: (event: EngineEvent) => void) => Promise<RunSummary[]>;
  /** `slipway history` of a service on a stack: a block per cluster of the stack. */
  history: (service: string, stack: string) => Promise<ClusterHistory[]>;
  /** `slipway status` over every cluster of the catalog. */
  status: () => Promise<{ services: BoardStatus[]; clusters: ClusterReach[] }>;
  /** The service's image tags in the registry, in any order. */
  tags: (service: string) => Promise<string[]>;
  /** The cluster that keeps the run records. */
  runsCluster: () => KubeAccess;
  /**
   * The values review of `slipway deploy` for `user` (a strict stack with approvers): what an
   * approver must approve, or undefined when nothing needs one (unchanged values, a valid approval).
   */
  review?: (request: DeployRequest, user: string) => Promise<Omit<RunApproval, 'decision'> | undefined>;
  /** `slipway approve` by `approver`: records the approval of `digest` in every cluster of the stack. */
  approve?: (request: DeployRequest, digest: string, approver: string) => Promise<void>;
}
