import { describe, expect, it } from 'vitest';
import { listAcrossNamespaces } from './across-namespaces.js';
import { KubeError } from './kube-error.js';

const forbidden = () => Promise.reject(new KubeError('forbidden', 403, '', 'Forbidden', undefined));
const each = (namespace: string) => Promise.resolve([`${namespace}/a`]);

describe('listAcrossNamespaces', () => {
  it('lists across every namespace when allowed', async () => {
    expect(await listAcrossNamespaces(() => Promise.resolve(['x/a']), each, ['y'])).toEqual(['x/a']);
  });

  it('lists each namespace once where the cluster-wide list is forbidden', async () => {
    expect(await listAcrossNamespaces(forbidden, each, ['shop', 'web', 'shop'])).toEqual(['shop/a', 'web/a']);
  });

  it('throws the 403 without namespaces, and any other failure as it is', async () => {
    await expect(listAcrossNamespaces(forbidden, each, undefined)).rejects.toThrow('forbidden');
    await expect(listAcrossNamespaces(forbidden, each, [])).rejects.toThrow('forbidden');
    const down = () => Promise.reject(new KubeError('no answer', 0, '', undefined, undefined));
    await expect(listAcrossNamespaces(down, each, ['shop'])).rejects.toThrow('no answer');
  });
});
