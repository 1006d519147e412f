import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { clusterPortNames, portNames, type ClusterPorts, type PlatformPorts } from './plan/index.js';

/**
 * Distinct free loopback ports, one per platform listener (each of `clusters` clusters has its
 * own). OpenBao's dev and Vault dev servers also listen on their port + 1 (cluster address), so
 * that one must be free too. All are held until every one is chosen.
 *
 * They are drawn at random below the kernel's ephemeral range: a port handed out by `listen(0)`
 * comes from that range, and between choosing it and the component binding it any outgoing
 * connection on the machine may take it as its local port, and the component then exits at
 * start-up with "address already in use" (a likely cause of a registry that exited at start-up
 * in CI while parallel suites were busy).
 */
export async function freePorts(clusters = 1): Promise<PlatformPorts> {
  const servers: Server[] = [];
  const hold = async (port: number): Promise<number | undefined> => {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!bound) return undefined;
    servers.push(server);
    const address = server.address();
    return address && typeof address === 'object' ? address.port : undefined;
  };
  const pick = async (name: string): Promise<number> => {
    for (;;) {
      const port = await hold(candidatePort());
      if (port === undefined) continue;
      if ((name === 'openbao' || name === 'hashicorpVault') && (await hold(port + 1)) === undefined) continue;
      return port;
    }
  };
  try {
    const ports: Partial<Record<(typeof portNames)[number], number>> = {};
    for (const name of portNames) ports[name] = await pick(name);
    const extraClusters: ClusterPorts[] = [];
    for (let k = 2; k <= clusters; k++) {
      const cluster: Partial<ClusterPorts> = {};
      for (const name of clusterPortNames) cluster[name] = await pick(name);
      extraClusters.push(cluster as ClusterPorts);
    }
    return { ...(ports as PlatformPorts), ...(extraClusters.length ? { extraClusters } : {}) };
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

const lowest = 10_000;

/** A random port in [10000, start of the ephemeral range - 1); 0 (the kernel's choice) if that range is too small. */
export function candidatePort(): number {
  const below = ephemeralStart();
  return below > lowest + 1000 ? lowest + Math.floor(Math.random() * (below - lowest - 1)) : 0;
}

/** The first port of the kernel's ephemeral range (Linux default 32768). */
function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/**
 * One free loopback port (drawn as freePorts draws them), released for the caller to listen on;
 * with `andNext`, port + 1 is free too (a Vault or OpenBao dev server's cluster listener).
 */
export async function freePort(options: { andNext?: boolean } = {}): Promise<number> {
  for (;;) {
    const port = await bindable(candidatePort());
    if (port !== undefined && (!options.andNext || (await bindable(port + 1)) !== undefined)) return port;
  }
}

/** The port, if a listener could bind it just now (0: any). */
async function bindable(port: number): Promise<number | undefined> {
  const server = createServer();
  const bound = await new Promise<number | undefined>((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : undefined);
    });
  });
  if (bound !== undefined) await new Promise((resolve) => server.close(resolve));
  return bound;
}
