import { describe, expect, it } from 'vitest';
import { customMetadataHash, kvLatestVersion, metadataFingerprint, type KvMetadata } from './kv-metadata.js';

const now = new Date('2026-01-01T12:00:00Z');
const meta = (over: Partial<KvMetadata> = {}, v2: Partial<KvMetadata['versions'][string]> = {}): KvMetadata => ({
  current_version: 2,
  versions: { '1': { deletion_time: '', destroyed: false }, '2': { deletion_time: '', destroyed: false, ...v2 } },
  custom_metadata: null,
  ...over,
});

describe('kvLatestVersion', () => {
  it('is live, soft-deleted (deletion time passed) or destroyed', () => {
    expect(kvLatestVersion(meta(), now)).toEqual({ state: 'live', version: 2 });
    expect(kvLatestVersion(meta({}, { deletion_time: '2026-01-01T11:00:00Z' }), now)).toEqual({
      state: 'deleted',
      version: 2,
    });
    expect(kvLatestVersion(meta({}, { destroyed: true }), now)).toEqual({ state: 'destroyed', version: 2 });
    expect(kvLatestVersion(meta({ current_version: 0, versions: {} }), now).state).toBe('no-version');
  });

  it('a deletion scheduled in the future is still live', () => {
    expect(kvLatestVersion(meta({}, { deletion_time: '2026-01-01T13:00:00Z' }), now).state).toBe('live');
  });
});

describe('metadataFingerprint', () => {
  it('changes with version, deletion, destruction and custom_metadata; not with key order', () => {
    const base = metadataFingerprint(meta(), now);
    expect(metadataFingerprint(meta(), now)).toBe(base);
    expect(metadataFingerprint(meta({ current_version: 1 }), now)).not.toBe(base);
    expect(metadataFingerprint(meta({}, { deletion_time: '2026-01-01T11:00:00Z' }), now)).not.toBe(base);
    expect(metadataFingerprint(meta({}, { destroyed: true }), now)).not.toBe(base);
    expect(metadataFingerprint(meta({ custom_metadata: { a: '1' } }), now)).not.toBe(base);
    expect(customMetadataHash({ a: '1', b: '2' })).toBe(customMetadataHash({ b: '2', a: '1' }));
  });

  it('changes when a scheduled deletion comes due', () => {
    const m = meta({}, { deletion_time: '2026-01-01T12:30:00Z' });
    expect(metadataFingerprint(m, now)).not.toBe(metadataFingerprint(m, new Date('2026-01-01T13:00:00Z')));
  });
});
