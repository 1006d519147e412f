import { createServer, type Server } from 'node:net';
import { portNames, type PlatformPorts } from './plan/index.js';

/**
 * Asks the kernel for distinct free loopback ports, one per platform listener. OpenBao's dev
 * and Vault dev servers also listen on their port + 1 (cluster address), so that one must be free too.
 */
export async function freePorts(): Promise<PlatformPorts> {
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
  try {
    const ports: Partial<Record<keyof PlatformPorts, number>> = {};
    for (const name of portNames) {
      for (;;) {
        const port = await hold(0);
        if (port === undefined) continue;
        if ((name === 'openbao' || name === 'hashicorpVault') && (await hold(port + 1)) === undefined) continue;
        ports[name] = port;
        break;
      }
    }
    return ports as PlatformPorts;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}
