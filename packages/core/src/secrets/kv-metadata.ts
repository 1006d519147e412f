import { createHash } from 'node:crypto';

/** One version in KV v2 metadata (`GET <mount>/metadata/<path>`). */
export interface KvVersionInfo {
  /** RFC 3339, or "" when not deleted. May lie in the future (delete_version_after). */
  deletion_time: string;
  destroyed: boolean;
}

/** The fields of KV v2 metadata secret-sync reads. */
export interface KvMetadata {
  current_version: number;
  versions: Record<string, KvVersionInfo>;
  custom_metadata: Record<string, string> | null;
}

/** What the latest version of an entry is, at a given time. */
export type KvLatestVersion =
  | { state: 'live'; version: number }
  | { state: 'deleted'; version: number }
  | { state: 'destroyed'; version: number }
  /** metadata exists but no version was ever written (`kv metadata put` alone) */
  | { state: 'no-version'; version: 0 };

/** The state of the current version: a deletion time in the past means soft-deleted. */
export function kvLatestVersion(meta: KvMetadata, now: Date): KvLatestVersion {
  const version = meta.current_version;
  const info = meta.versions[String(version)];
  if (version <= 0 || !info) return { state: 'no-version', version: 0 };
  return kvVersionState(version, info, now);
}

/** State of one version from its deletion_time and destroyed flag. */
export function kvVersionState(version: number, info: KvVersionInfo, now: Date): KvLatestVersion {
  if (info.destroyed) return { state: 'destroyed', version };
  if (info.deletion_time && Date.parse(info.deletion_time) <= now.getTime()) return { state: 'deleted', version };
  return { state: 'live', version };
}

/**
 * What the controller remembers per path between cycles: when it is unchanged the data is not
 * read again. Covers version, deletion state (evaluated at `now`, so a scheduled deletion that
 * comes due changes it), destroyed and custom_metadata.
 */
export function metadataFingerprint(meta: KvMetadata, now: Date): string {
  const latest = kvLatestVersion(meta, now);
  const info = meta.versions[String(meta.current_version)];
  return [
    latest.version,
    latest.state,
    info?.deletion_time ?? '',
    info?.destroyed ? 'destroyed' : '',
    customMetadataHash(meta.custom_metadata),
  ].join('|');
}

/** sha256 of custom_metadata with sorted keys (order-independent). */
export function customMetadataHash(custom: Record<string, string> | null | undefined): string {
  const entries = Object.entries(custom ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex').slice(0, 16);
}
