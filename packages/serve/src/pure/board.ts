import { serviceClusters, type Catalog } from '@slipway/core';
import type { BoardStatus, ClusterReach } from '../engine.js';
import { describeRequest, kindOf, type RunKind, type RunRecord } from './run-state.js';

/** One cell of the board: a service on one cluster of a stack, with what runs there (none yet: null). */
export interface BoardCell {
  cluster: string;
  status: Omit<BoardStatus, 'service' | 'stack' | 'cluster'> | null;
}

export interface BoardRow {
  service: string;
  team: string;
  /** Per stack of the catalog: its clusters' cells, or null when the service does not deploy there. */
  stacks: Record<string, BoardCell[] | null>;
}

/** A run that holds a service × stack in this server now. */
export interface ActiveRun {
  id: string;
  service: string;
  stack: string;
  kind: RunKind;
  /** What it does, in a few words (`1.4.2 (canary 10%)`, `rollback to revision 3`). */
  what: string;
  user: string;
  state: string;
}

export interface Board {
  stacks: string[];
  services: BoardRow[];
  clusters: ClusterReach[];
  /** The runs going on now (absent: not asked for). */
  runs?: ActiveRun[];
}

/** The board with the runs going on now. */
export function withRuns(board: Board, runs: readonly RunRecord[]): Board {
  return {
    ...board,
    runs: runs.map((r) => ({
      id: r.id,
      service: r.request.service,
      stack: r.request.stack,
      kind: kindOf(r.request),
      what: describeRequest(r.request),
      user: r.user,
      state: r.state,
    })),
  };
}

/** Whether a canary runs for the service on any cluster of the stack, as the board shows it. */
export const canaryRuns = (board: Board, service: string, stack: string): boolean =>
  board.services.find((s) => s.service === service)?.stacks[stack]?.some((c) => c.status?.canaryWeight !== undefined) ??
  false;

/** Services × stacks × clusters: the catalog's shape filled with `slipway status`'s rows. */
export function boardOf(catalog: Catalog, status: { services: BoardStatus[]; clusters: ClusterReach[] }): Board {
  const stacks = Object.keys(catalog.settings.stacks);
  const rows = new Map(status.services.map((s) => [`${s.service}/${s.stack}/${s.cluster}`, s]));
  const services = [...catalog.services.values()]
    .map((s) => s.config)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((config): BoardRow => ({
      service: config.name,
      team: config.team,
      stacks: Object.fromEntries(
        stacks.map((stack) => [
          stack,
          config.stacks.includes(stack)
            ? serviceClusters(catalog.settings, config, stack).map((cluster): BoardCell => {
                const found = rows.get(`${config.name}/${stack}/${cluster}`);
                if (!found) return { cluster, status: null };
                const { service: _s, stack: _t, cluster: _c, ...rest } = found;
                return { cluster, status: rest };
              })
            : null,
        ]),
      ),
    }));
  return { stacks, services, clusters: status.clusters };
}
