import { afterEach, describe, expect, it } from 'vitest';
import { serveInApiserversPlace } from './fixtures/replay.js';
import { isRequestTimeout, KubeError } from './kube-error.js';
import { ReleaseStore } from './release-store.js';

describe('the stores with a request timeout', () => {
  let stop = () => Promise.resolve();
  afterEach(() => stop());

  it('a server that accepts the request and never answers: the call fails as a timeout', async () => {
    // holds every request open, like a stopped apiserver
    const served = await serveInApiserversPlace(() => undefined);
    stop = served.stop;
    const error: unknown = await new ReleaseStore(served.kc, { timeoutMs: 200 }).listAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(isRequestTimeout(error)).toBe(true);
    expect((error as KubeError).status).toBe(0);
  });

  it('a server that answers: the same client, authenticated as the kubeconfig says', async () => {
    const seen: (string | undefined)[] = [];
    const served = await serveInApiserversPlace((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'SecretList', items: [] }));
    });
    stop = served.stop;
    expect(await new ReleaseStore(served.kc, { timeoutMs: 5_000 }).listAll()).toEqual([]);
    expect(seen).toEqual(['Bearer t']);
  });

  it('a refused connection is a failure, not a timeout', async () => {
    const served = await serveInApiserversPlace(() => undefined);
    await served.stop();
    const error: unknown = await new ReleaseStore(served.kc, { timeoutMs: 5_000 }).listAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(isRequestTimeout(error)).toBe(false);
    expect(String((error as Error).message)).toMatch(/ECONNREFUSED/);
  });
});
