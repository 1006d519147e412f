import {
  desiredSecret,
  kvLatestVersion,
  mapLimit,
  metadataFingerprint,
  parseSecretKey,
  type KvMetadata,
  type VaultEntry,
  type VaultEntryState,
  type VaultTreeListing,
} from '@slipway/core';
import type { KvListingMode, ListingDetection, VaultKv } from '@slipway/clients';

/** What one read of the tree gives the planner. */
export interface TreeRead {
  mode: KvListingMode;
  listing: VaultTreeListing;
  entries: VaultEntry[];
  unmappable: { path: string; issues: string[] }[];
  /** Data reads this cycle (entries whose metadata changed). */
  dataReads: number;
}

interface Remembered {
  fingerprint: string;
  state: VaultEntryState;
}

/**
 * Reads `<mount>/<cluster>/` and turns it into entries, incrementally: per path it remembers the
 * metadata fingerprint (version, deletion, destroyed, custom_metadata) and the state it led to;
 * data is read only when the fingerprint changed. Errors are never remembered (read again next
 * cycle), and a failed folder listing is reported so nothing in it is pruned.
 */
export class VaultTree {
  readonly #kv: VaultKv;
  readonly #cluster: string;
  readonly #root: string;
  readonly #concurrency: number;
  readonly #now: () => Date;
  readonly #configured: KvListingMode | 'auto';
  #mode: KvListingMode | undefined;
  #detection: ListingDetection | undefined;
  #memory = new Map<string, Remembered>();

  constructor(options: {
    kv: VaultKv;
    cluster: string;
    listing: KvListingMode | 'auto';
    concurrency: number;
    now?: () => Date;
  }) {
    this.#kv = options.kv;
    this.#cluster = options.cluster;
    this.#root = `${options.kv.mount}/${options.cluster}/`;
    this.#concurrency = options.concurrency;
    this.#now = options.now ?? (() => new Date());
    this.#configured = options.listing;
    this.#mode = options.listing === 'auto' ? undefined : options.listing;
    if (options.listing !== 'auto') this.#detection = { mode: options.listing, reason: 'set by --listing', tried: [] };
  }

  get root(): string {
    return this.#root;
  }

  get mode(): KvListingMode | undefined {
    return this.#mode;
  }

  /** Why the mode in use was chosen (undefined before the first read). */
  get detection(): ListingDetection | undefined {
    return this.#detection;
  }

  /** Forget everything (a new leader starts from scratch). */
  reset(): void {
    this.#memory = new Map();
    if (this.#configured === 'auto') {
      this.#mode = undefined;
      this.#detection = undefined;
    }
  }

  /**
   * Reads the tree. Throws only when the cluster folder itself cannot be listed. `onEntry` hears
   * each entry as soon as its state is known (the cycle starts its writes while the rest is read);
   * a promise it returns holds that reader back until it settles, so reads go no faster than the
   * writes they start (a first cycle's 10,000 creates do not all wait in memory at once).
   */
  async read(onEntry?: (entry: VaultEntry) => Promise<void> | void): Promise<TreeRead> {
    if (!this.#mode) {
      this.#detection = await this.#kv.detectListing(`${this.#cluster}/`);
      this.#mode = this.#detection.mode;
    }
    const mode = this.#mode;
    const now = this.#now();
    const listed = await this.#list(mode);
    const unmappable = listed.unmappable;
    const memory = new Map<string, Remembered>();
    let dataReads = 0;

    const readEntry = async ([relative, meta]: [string, KvMetadata | undefined]): Promise<VaultEntry | undefined> => {
      const parsed = parseSecretKey(relative);
      const path = `${this.#root}${relative}`;
      if (!parsed.ok) {
        unmappable.push({ path, issues: parsed.issues });
        return undefined;
      }
      const ref = parsed.ref;
      let metadata = meta;
      try {
        metadata ??= await this.#kv.readMetadata(`${this.#cluster}/${relative}`);
      } catch (error) {
        return { ...ref, path, state: { kind: 'error', message: message(error) } };
      }
      if (!metadata)
        return {
          ...ref,
          path,
          state: { kind: 'error', message: 'listed, but its metadata is gone (deleted meanwhile?)' },
        };
      const fingerprint = metadataFingerprint(metadata, now);
      const before = this.#memory.get(path);
      if (before && before.fingerprint === fingerprint) {
        memory.set(path, before);
        return { ...ref, path, state: before.state };
      }
      const latest = kvLatestVersion(metadata, now);
      let state: VaultEntryState;
      if (latest.state !== 'live') {
        state = { kind: 'tombstone', reason: latest.state, version: latest.version };
      } else {
        dataReads++;
        try {
          const read = await this.#kv.readData(`${this.#cluster}/${relative}`);
          if (read.kind === 'absent') {
            return {
              ...ref,
              path,
              state: { kind: 'error', message: 'listed, but no data at the path (deleted meanwhile?)' },
            };
          }
          if (read.kind === 'live') {
            const r = desiredSecret(ref, path, {
              version: read.version,
              data: read.data,
              customMetadata: read.customMetadata,
            });
            state = r.ok ? { kind: 'desired', desired: r.secret } : { kind: 'invalid', issues: r.issues };
          } else {
            state = { kind: 'tombstone', reason: read.kind, version: read.version };
          }
        } catch (error) {
          return { ...ref, path, state: { kind: 'error', message: message(error) } };
        }
      }
      memory.set(path, { fingerprint, state });
      return { ...ref, path, state };
    };
    const entries = await mapLimit([...listed.keys], this.#concurrency, async (item) => {
      const entry = await readEntry(item);
      if (entry) await onEntry?.(entry);
      return entry;
    });
    // what failed folders held stays remembered: they are read again when listing works
    for (const [path, r] of this.#memory) {
      const ns = path.slice(this.#root.length).split('/')[0] ?? '';
      if (ns in listed.listing.failedFolders && !memory.has(path)) memory.set(path, r);
    }
    this.#memory = memory;
    return {
      mode,
      listing: listed.listing,
      entries: entries.filter((e): e is VaultEntry => e !== undefined),
      unmappable,
      dataReads,
    };
  }

  async #list(mode: KvListingMode): Promise<{
    keys: Map<string, KvMetadata | undefined>;
    listing: VaultTreeListing;
    unmappable: { path: string; issues: string[] }[];
  }> {
    const folder = `${this.#cluster}/`;
    if (mode === 'scan') {
      const keys = await this.#kv.scan(folder);
      return { keys, listing: { rootComplete: true, failedFolders: {} }, unmappable: [] };
    }
    const listFolder = async (f: string) =>
      mode === 'list-detailed'
        ? this.#kv.listDetailed(f)
        : new Map((await this.#kv.list(f)).map((k) => [k, undefined] as [string, KvMetadata | undefined]));
    const top = await listFolder(folder);
    const keys = new Map<string, KvMetadata | undefined>();
    const unmappable: { path: string; issues: string[] }[] = [];
    const failedFolders: Record<string, string> = {};
    const namespaces: string[] = [];
    for (const [k, meta] of top) {
      if (k.endsWith('/')) namespaces.push(k.slice(0, -1));
      else keys.set(k, meta); // a key directly under the cluster folder: reported as unmappable
    }
    await mapLimit(namespaces, this.#concurrency, async (ns) => {
      try {
        for (const [k, meta] of await listFolder(`${folder}${ns}/`)) keys.set(`${ns}/${k}`, meta);
      } catch (error) {
        failedFolders[ns] = message(error);
      }
    });
    return { keys, listing: { rootComplete: true, failedFolders }, unmappable };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
