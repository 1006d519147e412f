import { describe, expect, it } from 'vitest';
import { rawSyncConfigSchema } from '../secrets/sync-config.js';
import type { RawSyncConfig } from '../secrets/sync-options.js';
import { secretSyncValuesSchema } from './secret-sync-values-schema.js';

/**
 * The chart's values and the controller's options agree: what one refuses, the other refuses (the
 * controller's lower bounds on durations, e.g. --interval of at least 1s, are its own to report).
 */

const values = secretSyncValuesSchema.shape;
type Field = { safeParse(v: unknown): { success: boolean } };
const sync = values.sync.unwrap().shape;
const leader = values.leaderElection.unwrap().shape;

/** [chart value, controller option, the value's schema, samples as the chart gets them] */
const cases: [string, keyof RawSyncConfig, Field, unknown[]][] = [
  ['cluster', 'cluster', values.cluster, ['dev-1', 'a', 'Dev', '-a', 'a'.repeat(63), 'a'.repeat(64)]],
  ['vault.mount', 'mount', values.vault.shape.mount, ['k8s-secret', 'team/kv', 'a', '/kv', 'kv/', 'k v']],
  ['vault.listing', 'listing', values.vault.shape.listing, ['auto', 'scan', 'list-detailed', 'list', 'LIST', 'walk']],
  ['vault.auth.method', 'authMethod', values.vault.shape.auth.shape.method, ['kubernetes', 'approle', 'token', 'ldap']],
  ['sync.concurrency', 'concurrency', sync.concurrency, [0, 1, 256, 257, 1.5]],
  ['sync.pruneMax', 'pruneMax', sync.pruneMax, [-1, 0, 25, 1_000_000, 1_000_001, 2.5]],
  ['sync.jitter', 'jitter', sync.jitter, [-0.1, 0, 0.1, 1, 1.01]],
  ['sync.pruneMaxShare', 'pruneMaxShare', sync.pruneMaxShare, [-0.5, 0, 0.5, 1, 2]],
  ['sync.interval', 'interval', sync.interval, ['60s', '1m30s', '1.5h', '2500ms', '90', '60', '1d', '-5s', '5 s', '']],
  ['leaderElection.leaseName', 'leaseName', leader.leaseName, ['slipway-secret-sync', 'Lease', 'a_b']],
  ['leaderElection.renewDeadline', 'renewDeadline', leader.renewDeadline, ['10s', '500ms', '1m', '10', 'soon']],
  ['logLevel', 'logLevel', values.logLevel, ['debug', 'info', 'warn', 'error', 'trace']],
  ['port', 'port', values.port, [1, 8080, 65535, 65536, 80.5]],
];

describe('the secret-sync chart values schema', () => {
  it.each(cases)('%s accepts exactly what the controller accepts as its %s option', (_, option, field, samples) => {
    const verdicts = samples.map((v) => ({
      value: v,
      chart: field.safeParse(v).success,
      controller: rawSyncConfigSchema.shape[option].safeParse(String(v)).success,
    }));
    for (const { value, chart, controller } of verdicts) expect(chart, JSON.stringify(value)).toBe(controller);
    // each case shows both sides of the rule
    expect(new Set(verdicts.map((v) => v.chart))).toEqual(new Set([true, false]));
  });
});
