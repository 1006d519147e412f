import { gunzipSync } from 'node:zlib';
import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '@slipway/core';
import { capturedAnswers as answers, serveInApiserversPlace } from './fixtures/replay.js';
import { KubeError } from './kube-error.js';
import { ReleaseStore } from './release-store.js';

/**
 * A test server in the apiserver's place that expects the captured calls in this order and
 * replays their answers (`path`: the answer replayed for another call); a call out of order gets
 * a 500 naming what was expected.
 */
class ReplayServer {
  readonly calls: { method: string; path: string; body: unknown }[] = [];
  stop: () => Promise<void> = () => Promise.resolve();
  constructor(private readonly expected: (string | { answer: string; path: string })[]) {}

  async start(): Promise<KubeConfig> {
    const script = [...this.expected];
    const { kc, stop } = await serveInApiserversPlace((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const path = decodeURIComponent(req.url ?? '');
        this.calls.push({ method: req.method ?? '', path, body: text ? JSON.parse(text) : undefined });
        const step = script.shift() ?? '(nothing)';
        const name = typeof step === 'string' ? step : step.answer;
        const next = answers[name];
        const expectedPath = typeof step === 'string' ? next?.path : step.path;
        if (!next || next.method !== req.method || decodeURIComponent(expectedPath ?? '') !== path) {
          res.writeHead(500).end(`expected ${name}, got ${req.method} ${path}`);
          return;
        }
        res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
      });
    });
    this.stop = stop;
    return kc;
  }
}

const record = (revision: number, result: 'succeeded' | 'failed'): ReleaseRecord => ({
  service: 'web',
  namespace: 'cap',
  stack: 'dev',
  revision,
  track: 'stable',
  imageTag: `1.0.${revision}`,
  result,
  deployedBy: 'ci',
  deployedAt: `2026-01-0${revision}T00:00:00.000Z`,
  digest: `d${revision}`,
  origin: 'deploy',
  values: {},
  manifests: { workload: '', routing: '' },
});

describe('ReleaseStore (answers of a real apiserver)', () => {
  let server: ReplayServer;
  afterEach(() => server.stop());
  const store = async (expected: ConstructorParameters<typeof ReplayServer>[0]) => {
    server = new ReplayServer(expected);
    return new ReleaseStore(await server.start());
  };

  it('lists the records of a service × stack by label, decoded, newest first', async () => {
    const releases = await store(['release-list']);
    const records = await releases.list('cap', 'web', 'dev');
    expect(records.map((r) => [r.revision, r.result, r.imageTag])).toEqual([
      [3, 'failed', '1.0.3'],
      [2, 'failed', '1.0.2'],
      [1, 'succeeded', '1.0.1'],
    ]);
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/v1/namespaces/cap/secrets?labelSelector=slipway.dev/release=true,slipway.dev/service=web,slipway.dev/stack=dev',
    ]);
  });

  it('lists every record of the cluster', async () => {
    const releases = await store(['release-list-all']);
    expect((await releases.listAll()).map((r) => `${r.service}/${r.stack} v${r.revision}`)).toEqual([
      'web/dev v3',
      'web/dev v2',
      'web/dev v1',
    ]);
  });

  it('saves a record as a labelled Secret, then forgets the older failed one', async () => {
    const releases = await store(['release-create', 'release-list', 'release-delete']);
    await releases.save('cap', record(3, 'failed'));
    expect(server.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/v1/namespaces/cap/secrets',
      'GET /api/v1/namespaces/cap/secrets?labelSelector=slipway.dev/release=true,slipway.dev/service=web,slipway.dev/stack=dev',
      'DELETE /api/v1/namespaces/cap/secrets/slipway.web.dev.stable.v2.failed',
    ]);
    const body = server.calls[0]?.body as {
      metadata: { name: string; labels: Record<string, string> };
      type: string;
      data: { release: string };
    };
    expect(body.metadata.name).toBe('slipway.web.dev.stable.v3.failed');
    expect(body.metadata.labels).toEqual({
      'slipway.dev/release': 'true',
      'slipway.dev/service': 'web',
      'slipway.dev/stack': 'dev',
      'slipway.dev/revision': '3',
      'slipway.dev/result': 'failed',
    });
    expect(body.type).toBe('slipway.dev/release.v1');
    expect(JSON.parse(gunzipSync(Buffer.from(body.data.release, 'base64')).toString())).toEqual(record(3, 'failed'));
  });

  it('replaces a record that exists already (409 AlreadyExists)', async () => {
    const releases = await store(['release-create-conflict', 'release-replace', 'release-list', 'release-delete']);
    await releases.save('cap', record(3, 'failed'));
    expect(server.calls.map((c) => `${c.method} ${c.path}`).slice(0, 2)).toEqual([
      'POST /api/v1/namespaces/cap/secrets',
      'PUT /api/v1/namespaces/cap/secrets/slipway.web.dev.stable.v3.failed',
    ]);
  });

  it('a refused list is a KubeError with the server message', async () => {
    // the captured 403 answers a list of secrets in cap by a token without a role
    const releases = await store([
      {
        answer: 'informer-list-forbidden',
        path: '/api/v1/namespaces/cap/secrets?labelSelector=slipway.dev/release=true,slipway.dev/service=web,slipway.dev/stack=dev',
      },
    ]);
    const error = await releases.list('cap', 'web', 'dev').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect((error as Error).message).toMatch(
      /^kubernetes list release history failed \(403\): secrets is forbidden: User "system:serviceaccount:cap:nobody" cannot list resource "secrets"/,
    );
  });
});
