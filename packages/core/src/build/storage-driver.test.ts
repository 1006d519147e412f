import { describe, expect, it } from 'vitest';
import { chooseStorageDriver, type OverlayProbe } from './storage-driver.js';

const root: OverlayProbe = {
  uid: 0,
  filesystems: 'nodev\tsysfs\n\text4\nnodev\toverlay\n',
  capEff: '000001ffffffffff',
  storageFsTypes: [0xef53],
};

describe('chooseStorageDriver', () => {
  it('picks overlay for root with overlay in the kernel, CAP_SYS_ADMIN and storage on ext4', () => {
    expect(chooseStorageDriver(undefined, () => root)).toBe('overlay');
  });

  it('falls back to vfs without root, overlay, CAP_SYS_ADMIN, or on overlayfs', () => {
    expect(chooseStorageDriver(undefined, () => ({ ...root, uid: 1000 }))).toBe('vfs');
    expect(chooseStorageDriver(undefined, () => ({ ...root, filesystems: 'nodev\tsysfs\n\text4\n' }))).toBe('vfs');
    // a container's default capabilities: no CAP_SYS_ADMIN (bit 21)
    expect(chooseStorageDriver(undefined, () => ({ ...root, capEff: '00000000a80425fb' }))).toBe('vfs');
    expect(chooseStorageDriver(undefined, () => ({ ...root, capEff: 'unreadable' }))).toBe('vfs');
    expect(chooseStorageDriver(undefined, () => ({ ...root, storageFsTypes: [0xef53, 0x794c7630] }))).toBe('vfs');
  });

  it('keeps a driver asked for without probing', () => {
    const probe = () => {
      throw new Error('probed');
    };
    expect(chooseStorageDriver('vfs', probe)).toBe('vfs');
    expect(chooseStorageDriver('overlay', probe)).toBe('overlay');
    expect(chooseStorageDriver('btrfs', probe)).toBe('btrfs');
    expect(chooseStorageDriver('auto', () => root)).toBe('overlay');
  });
});
