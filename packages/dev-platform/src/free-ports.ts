import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { clusterPortNames, portNames, type ClusterPorts, type PlatformPorts } from './plan/index.js';

/**
 * Distinct free loopback ports, one per platform listener (each of `clusters` clusters has its
 * own). OpenBao's dev and Vault dev servers also listen on their port + 1 (cluster address), so
 * that one must be free too. All are held until every one is chosen.
 *
 * Ports are drawn at random below the kernel's ephemeral range. One from `listen(0)` lies in that
 * range, where any outgoing connection may take it before the component binds it, and the
 * component then exits at start-up ("address already in use").
 */
export async function freePorts(clusters = 1): Promise<PlatformPorts> {
  const servers: Server[] = [];
  const hold = async (port: number): Promise<number | undefined> => {
    const server = await listenOn(port);
    if (server) servers.push(server);
    return server && portOf(server);
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
    await Promise.all(servers.map(close));
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

/** The port, if a listener could bind it just now. */
async function bindable(port: number): Promise<number | undefined> {
  const server = await listenOn(port);
  if (!server) return undefined;
  const bound = portOf(server); // before close: a closed server has no address
  await close(server);
  return bound;
}

/** A loopback listener on the port (0: any), or undefined if it is taken. */
function listenOn(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function portOf(server: Server): number | undefined {
  const address = server.address();
  return address && typeof address === 'object' ? address.port : undefined;
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

const lowest = 10_000;
/** The first port of the kernel's ephemeral range (Linux default 32768), read once. */
let ephemeralStart: number | undefined;

/** A random port in [10000, start of the ephemeral range); 0 (the kernel's choice) if that range is too small. */
function candidatePort(): number {
  ephemeralStart ??= readEphemeralStart();
  const below = ephemeralStart;
  return below > lowest + 1000 ? lowest + Math.floor(Math.random() * (below - lowest - 1)) : 0;
}

function readEphemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) ? first : 32_768;
  } catch {
    return 32_768;
  }
}
