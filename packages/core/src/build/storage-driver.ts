/** What the machine says about overlay mounts (read by clients' `overlayProbe`). */
export interface OverlayProbe {
  /** the process's uid: overlay needs root here (rootless overlay needs user namespaces) */
  uid: number;
  /** /proc/filesystems */
  filesystems: string;
  /** CapEff of /proc/self/status (hex): mounting needs CAP_SYS_ADMIN */
  capEff: string;
  /** statfs f_type of the dirs the storage lives in: overlay cannot stack on overlayfs */
  storageFsTypes: readonly number[];
}

const overlayFsMagic = 0x794c7630;
const capSysAdmin = 21n;

/**
 * buildah's storage driver: the one asked for (SLIPWAY_BUILDAH_DRIVER; `auto` or unset: choose), else overlay where the
 * machine can mount it (a step's container is a mount, not a copy of the whole image as with vfs;
 * each buildah then runs in a mount namespace of its own, so no mount outlives it), else vfs.
 */
export function chooseStorageDriver(requested: string | undefined, probe: () => OverlayProbe): string {
  if (requested && requested !== 'auto') return requested;
  const p = probe();
  const caps = /^[0-9a-f]+$/i.test(p.capEff) ? BigInt(`0x${p.capEff}`) : 0n;
  const overlay =
    p.uid === 0 &&
    /^nodev\s+overlay$/m.test(p.filesystems) &&
    ((caps >> capSysAdmin) & 1n) === 1n &&
    !p.storageFsTypes.includes(overlayFsMagic);
  return overlay ? 'overlay' : 'vfs';
}
