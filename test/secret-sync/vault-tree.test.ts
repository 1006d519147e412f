import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { VaultKv } from '@slipway/clients';
import { vaultServers } from '@slipway/dev-platform';
import { VaultTree } from '../../packages/secret-sync/src/vault-tree.js';
import { usePlatform } from '../support/platform.js';
import { Kv, mount, rootVault } from './support.js';

describe.each(vaultServers)('VaultTree against a real %s', (server) => {
  const platform = usePlatform(`secret-sync-vault-tree-${server}`, ['vault'], { vaults: [server] });
  beforeAll(async () => {
    const kv = new Kv(rootVault(platform()));
    for (let i = 0; i < 12; i++) await kv.put(`paced/ns1/s${String(i).padStart(2, '0')}`, { v: `value-${i}` });
  });

  it('reads no further ahead than the writes it started: a reader waits while its entry is held', async () => {
    const tree = new VaultTree({
      kv: new VaultKv(rootVault(platform()), { mount }),
      cluster: 'paced',
      listing: 'list',
      concurrency: 3,
    });
    const held: (() => void)[] = [];
    const heard: string[] = [];
    const reading = tree.read((entry) => {
      heard.push(entry.name);
      return new Promise<void>((resolve) => held.push(resolve));
    });
    while (held.length < 3) await sleep(10);
    await sleep(300); // time enough for every other entry to be read, if readers did not wait
    expect(heard).toHaveLength(3);

    held.shift()?.();
    while (heard.length < 4) await sleep(10);
    expect(heard).toHaveLength(4);

    const release = setInterval(() => held.shift()?.(), 5);
    const read = await reading;
    clearInterval(release);
    expect(read.entries.map((e) => e.name).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `s${String(i).padStart(2, '0')}`),
    );
    expect(heard).toHaveLength(12);
  });
});
