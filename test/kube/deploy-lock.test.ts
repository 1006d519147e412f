import { setImmediate } from 'node:timers/promises';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DeployLock, Lease, LockedError, type LockClock } from '@slipway/clients/kube';
import { usePlatform } from '../support/platform.js';

const century = 100 * 365 * 24 * 3600 * 1000;

describe('DeployLock: a second deploy, on a clock far from the holder’s', () => {
  const platform = usePlatform('deploy-lock-clock', ['kube']);
  const lock = (name: string, holder: string, clock?: LockClock) =>
    new DeployLock(platform().kubeConfig, {
      namespace: 'default',
      name,
      holder,
      ttlSeconds: 3,
      ...(clock && { clock }),
    });
  const read = (name: string) =>
    platform().kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name, namespace: 'default' });

  it('is refused within one renewal, naming the holder, while the holder renews', async () => {
    const first = lock('live', 'first-deployer');
    await first.acquire();
    try {
      // a century ahead: the holder's renewTime looks long expired to this clock
      const ahead: LockClock = {
        now: () => Date.now() + century,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      };
      const started = Date.now();
      const refused: unknown = await lock('live', 'second-deployer', ahead)
        .acquire()
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(LockedError);
      expect(refused).toMatchObject({ holder: 'first-deployer' });
      expect((refused as LockedError).message).toMatch(
        /^another deploy holds lease default\/live: first-deployer, since \d{4}-\d\d-\d\dT/,
      );
      expect(Date.now() - started).toBeLessThan(first.renewMs + 1000);
      expect((await read('live')).spec?.holderIdentity).toBe('first-deployer');
    } finally {
      await first.release();
    }
    await expect(read('live')).rejects.toMatchObject({ code: 404 }); // released: deleted
  });

  it('takes over a crashed holder’s lease once its record stayed the same for the TTL on our clock', async () => {
    // the holder wrote once, with a clock a century ahead, and crashed: its renewTime stays in our future
    const crashed = new Lease(platform().kubeConfig, {
      namespace: 'default',
      name: 'stale',
      identity: 'crashed-deployer',
      leaseDurationMs: 3000,
      now: () => Date.now() + century,
    });
    expect(await crashed.tryAcquireOrRenew()).toMatchObject({ acquired: true });
    let t = Date.parse('2026-01-01T00:00:00Z');
    const ours: LockClock = { now: () => t, sleep: (ms) => ((t += ms), setImmediate()) };
    const start = t;
    const next = lock('stale', 'next-deployer', ours);
    await next.acquire();
    try {
      expect(t - start).toBeGreaterThanOrEqual(3000);
      expect(t - start).toBeLessThan(3500);
      expect((await read('stale')).spec?.holderIdentity).toBe('next-deployer');
    } finally {
      await next.release();
    }
  });
});
