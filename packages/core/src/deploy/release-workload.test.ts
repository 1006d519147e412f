import { describe, expect, it } from 'vitest';
import { labelKeys, labelSelector } from '../labels.js';
import { parseManifests } from '../render/manifests.js';
import { findWorkload } from './release-workload.js';

describe('findWorkload', () => {
  it("finds a release's Deployment or StatefulSet among its objects, whatever the manifest text", () => {
    const objects = (kind: string) =>
      parseManifests(
        `kind: ServiceAccount\nmetadata: {name: web}\n---\n# kind: StatefulSet\nkind: ${kind}\nmetadata: {name: web}\n`,
      );
    expect(findWorkload(objects('Deployment'))?.kind).toBe('Deployment');
    expect(findWorkload(objects('StatefulSet'))?.kind).toBe('StatefulSet');
    expect(findWorkload(objects('ConfigMap'))).toBeUndefined();
  });
});

describe('labelSelector', () => {
  it('joins label keys and values', () => {
    expect(labelSelector({ [labelKeys.release]: 'true', [labelKeys.service]: 'web' })).toBe(
      'slipway.dev/release=true,slipway.dev/service=web',
    );
  });
});
