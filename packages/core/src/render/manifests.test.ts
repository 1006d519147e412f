import { describe, expect, it } from 'vitest';
import { applyWaves, prepareForApply, pruneCandidates, type K8sObject } from './manifests.js';

const obj = (kind: string, name = 'web'): K8sObject => ({ apiVersion: 'v1', kind, metadata: { name } });

describe('manifests', () => {
  it('applies dependencies first, then workloads, then VirtualServices', () => {
    const waves = applyWaves([
      obj('VirtualService'),
      obj('Deployment'),
      obj('ServiceAccount'),
      obj('DestinationRule'),
      obj('ConfigMap'),
      obj('HorizontalPodAutoscaler'),
    ]);
    expect(waves.map((w) => w.map((o) => o.kind))).toEqual([
      ['ServiceAccount', 'DestinationRule', 'ConfigMap'],
      ['Deployment', 'HorizontalPodAutoscaler'],
      ['VirtualService'],
    ]);
  });

  it('labels metadata (not pod templates) and sets the namespace', () => {
    const deployment = { ...obj('Deployment'), spec: { template: { metadata: { labels: { app: 'web' } } } } };
    const [out] = prepareForApply([deployment], 'shop', { 'slipway.dev/revision': '3' });
    expect(out?.metadata).toEqual({ name: 'web', namespace: 'shop', labels: { 'slipway.dev/revision': '3' } });
    expect(out?.['spec']).toEqual({ template: { metadata: { labels: { app: 'web' } } } });
  });

  it('prunes what was applied before and is not rendered now', () => {
    const existing = [obj('ConfigMap', 'web-config'), obj('Deployment')];
    expect(pruneCandidates(existing, [obj('Deployment')]).map((o) => o.metadata.name)).toEqual(['web-config']);
  });
});
