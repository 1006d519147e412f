import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allPorts } from './plan/index.js';
import { freePort, freePorts } from './free-ports.js';

const ephemeralStart = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);

describe('freePorts', () => {
  it('draws distinct ports below the ephemeral range, where no outgoing connection can take them before the component binds', async () => {
    const ports = allPorts(await freePorts(3));
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of [...ports, await freePort(), await freePort({ andNext: true })]) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart);
    }
  });
});
