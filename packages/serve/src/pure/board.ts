import { serviceClusters, type Catalog } from '@slipway/core';
import type { BoardStatus, ClusterReach } from '../engine.js';

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

export interface Board {
  stacks: string[];
  services: BoardRow[];
  clusters: ClusterReach[];
}

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
