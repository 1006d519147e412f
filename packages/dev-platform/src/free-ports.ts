import { createServer, type Server } from 'node:net';
import { clusterPortNames, portNames, type ClusterPorts, type PlatformPorts } from './plan/index.js';

/**
 * Asks the kernel for distinct free loopback ports, one per platform listener (each of `clusters`
 * clusters has its own). OpenBao's dev and Vault dev servers also listen on their port + 1
 * (cluster address), so that one must be free too. All are held until every one is chosen.
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
      const port = await hold(0);
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

/** One free loopback port, released for the caller to listen on. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no free loopback port');
  return address.port;
}
