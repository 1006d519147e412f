import { CoordinationV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { KubeError, Lease } from '@slipway/clients/kube';
import { usePlatform } from '../support/platform.js';

/** A clock of our own, set far from the apiserver's and the holder's. */
const clockAt = (iso: string) => {
  let t = Date.parse(iso);
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

describe('Lease: expiry judged on the candidate’s own clock (client-go), never against renewTime', () => {
  const platform = usePlatform('lease', ['kube']);
  const leaseDurationMs = 10_000;
  const lease = (name: string, identity: string, clock: { now: () => number }, namespace = 'default') =>
    new Lease(platform().kubeConfig, { namespace, name, identity, leaseDurationMs, now: clock.now });
  const read = (name: string) =>
    platform().kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name, namespace: 'default' });

  it('does not take a live Lease whose renewTime lies decades behind the candidate’s clock', async () => {
    const holderClock = clockAt('2000-01-01T00:00:00Z');
    const candidateClock = clockAt('2100-01-01T00:00:00Z');
    const holder = lease('live', 'holder', holderClock);
    const candidate = lease('live', 'candidate', candidateClock);
    expect(await holder.tryAcquireOrRenew()).toEqual({ acquired: true, previous: '' });
    // 4 × 6 s on the candidate's clock, more than leaseDuration, but the holder renews in between
    for (let i = 0; i < 4; i++) {
      expect(await candidate.tryAcquireOrRenew()).toMatchObject({ acquired: false, holder: 'holder' });
      candidateClock.advance(6_000);
      holderClock.advance(6_000);
      expect(await holder.tryAcquireOrRenew()).toEqual({ acquired: true, previous: 'holder' });
    }
    expect(await candidate.tryAcquireOrRenew()).toMatchObject({ acquired: false, holder: 'holder' });
    expect((await read('live')).spec?.holderIdentity).toBe('holder');
  });

  it('takes a Lease whose record did not change for leaseDuration on its own clock, though its renewTime is in the candidate’s future', async () => {
    const crashed = lease('stale', 'crashed', clockAt('2100-01-01T00:00:00Z'));
    const candidateClock = clockAt('2000-01-01T00:00:00Z');
    const candidate = lease('stale', 'candidate', candidateClock);
    expect(await crashed.tryAcquireOrRenew()).toMatchObject({ acquired: true });
    const refused = await candidate.tryAcquireOrRenew();
    expect(refused).toMatchObject({ acquired: false, holder: 'crashed', since: '2100-01-01T00:00:00.000Z' });
    candidateClock.advance(leaseDurationMs - 1);
    expect(await candidate.tryAcquireOrRenew()).toMatchObject({ acquired: false, holder: 'crashed' });
    candidateClock.advance(2);
    expect(await candidate.tryAcquireOrRenew()).toEqual({ acquired: true, previous: 'crashed' });
    const taken = await read('stale');
    expect(taken.spec).toMatchObject({ holderIdentity: 'candidate', leaseTransitions: 1 });
    // the one that crashed comes back: the record changed, so it waits like anyone else
    expect(await crashed.tryAcquireOrRenew()).toMatchObject({ acquired: false, holder: 'candidate' });
  });

  it('release clears the holder: the next candidate takes it at its first look; delete removes it', async () => {
    const clock = clockAt('2050-01-01T00:00:00Z');
    const first = lease('handover', 'first', clock);
    expect(await first.tryAcquireOrRenew()).toMatchObject({ acquired: true });
    expect(await first.release()).toBe(true);
    const second = lease('handover', 'second', clock);
    expect(await second.tryAcquireOrRenew()).toEqual({ acquired: true, previous: '' });
    expect(await first.release()).toBe(false); // not ours any more
    expect(await second.release({ remove: true })).toBe(true);
    await expect(read('handover')).rejects.toMatchObject({ code: 404 });
  });

  it('a missing namespace is a KubeError 404 with the Status body’s reason, kind and message', async () => {
    const error: unknown = await lease('x', 'a', clockAt('2050-01-01T00:00:00Z'), 'no-such-ns')
      .tryAcquireOrRenew()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ status: 404, reason: 'NotFound', detailsKind: 'namespaces' });
    expect((error as KubeError).message).toBe(
      'kubernetes create Lease no-such-ns/x failed (404): namespaces "no-such-ns" not found',
    );
  });
});
