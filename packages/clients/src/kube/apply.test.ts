import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { Applier } from './apply.js';
import {
  capturedAnswers as answers,
  serveInApiserversPlace,
  type CapturedAnswer as Answer,
} from './fixtures/replay.js';
import { KubeError } from './kube-error.js';

const captured = (name: string) => answers[name] as Answer;
const route = (name: string) => `${captured(name).method} ${new URL(captured(name).path, 'http://x').pathname}`;

/**
 * A test server in the apiserver's place: each call gets the next captured answer of its method
 * and path (the query is recorded, not matched; `route`: the answer replayed for another call); a
 * call with none left gets a 500.
 */
class ReplayServer {
  readonly calls: { route: string; query: URLSearchParams; type: string | undefined; body: unknown }[] = [];
  stop: () => Promise<void> = () => Promise.resolve();
  constructor(private readonly script: (string | { answer: string; route: string })[]) {}

  async start(): Promise<KubeConfig> {
    const queues = new Map<string, string[]>();
    for (const step of this.script) {
      const [name, key] = typeof step === 'string' ? [step, route(step)] : [step.answer, step.route];
      queues.set(key, [...(queues.get(key) ?? []), name]);
    }
    const { kc, stop } = await serveInApiserversPlace((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const key = `${req.method} ${url.pathname}`;
        const body: unknown = text ? JSON.parse(text) : undefined;
        this.calls.push({ route: key, query: url.searchParams, type: req.headers['content-type'], body });
        const name = queues.get(key)?.shift();
        if (!name) return void res.writeHead(500).end(`no captured answer left for ${key}`);
        const { status, body: answer } = captured(name);
        // a plain-text answer (the apiserver's "404 page not found") goes out as it came
        if (typeof answer === 'string') return void res.writeHead(status, { 'content-type': 'text/plain' }).end(answer);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    this.stop = stop;
    return kc;
  }
}

const configMap = (mode: string): KubernetesObject & { data: Record<string, string> } => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'web-config', namespace: 'cap', labels: { 'slipway.dev/service': 'web' } },
  data: { MODE: mode },
});
const resourceVersion = (name: string) =>
  (captured(name).body as KubernetesObject).metadata?.resourceVersion ?? 'none captured';

describe('Applier (answers of a real apiserver)', () => {
  let server: ReplayServer;
  afterEach(() => server.stop());
  const applier = async (script: ConstructorParameters<typeof ReplayServer>[0]) => {
    server = new ReplayServer(script);
    return new Applier(await server.start());
  };

  it('a new object: read (404), then server-side apply as slipway: created', async () => {
    const a = await applier(['apply-discovery', 'apply-read-missing', 'apply-created']);
    expect(await a.apply([configMap('a')])).toEqual([{ kind: 'ConfigMap', name: 'web-config', action: 'created' }]);
    expect(server.calls.map((c) => c.route)).toEqual([
      'GET /api/v1',
      'GET /api/v1/namespaces/cap/configmaps/web-config',
      'PATCH /api/v1/namespaces/cap/configmaps/web-config',
    ]);
    const patch = server.calls[2];
    expect(patch?.type).toBe('application/apply-patch+yaml');
    expect(Object.fromEntries(patch?.query ?? [])).toEqual({ fieldManager: 'slipway', force: 'true' });
    expect(patch?.body).toEqual(configMap('a'));
  });

  it('a known object: no read; the same resourceVersion after the apply is unchanged, a new one configured', async () => {
    const known = [
      { ...configMap('a'), metadata: { name: 'web-config', resourceVersion: resourceVersion('apply-created') } },
    ];
    // the server kept the resourceVersion for the same content, and moved it for new content
    expect(resourceVersion('apply-unchanged')).toBe(resourceVersion('apply-created'));
    expect(resourceVersion('apply-configured')).not.toBe(resourceVersion('apply-created'));
    const a = await applier(['apply-discovery', 'apply-unchanged', 'apply-configured']);
    expect(await a.apply([configMap('a')], known)).toEqual([
      { kind: 'ConfigMap', name: 'web-config', action: 'unchanged' },
    ]);
    expect(await a.apply([configMap('b')], known)).toEqual([
      { kind: 'ConfigMap', name: 'web-config', action: 'configured' },
    ]);
    expect(server.calls.filter((c) => c.route.startsWith('GET /api/v1/namespaces'))).toEqual([]);
  });

  it('lists by label, and a kind the server does not serve lists as nothing', async () => {
    const a = await applier(['apply-discovery', 'apply-list', 'apply-discovery-unserved']);
    const listed = await a.list(
      'cap',
      [
        { apiVersion: 'v1', kind: 'ConfigMap' },
        { apiVersion: 'example.com/v1', kind: 'Widget' },
      ],
      { 'slipway.dev/service': 'web' },
    );
    expect(listed.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`)).toEqual(['v1 ConfigMap web-config']);
    const list = server.calls.find((c) => c.route === 'GET /api/v1/namespaces/cap/configmaps');
    expect(list?.query.get('labelSelector')).toBe('slipway.dev/service=web');
  });

  it('prunes in the background; an object already gone counts as pruned', async () => {
    const a = await applier(['apply-discovery', 'apply-delete', 'apply-delete-missing']);
    expect(await a.delete([configMap('b'), configMap('b')])).toEqual([
      { kind: 'ConfigMap', name: 'web-config', action: 'pruned' },
      { kind: 'ConfigMap', name: 'web-config', action: 'pruned' },
    ]);
    const deletes = server.calls.filter((c) => c.route.startsWith('DELETE'));
    expect(
      deletes.map(
        (c) =>
          (c.body as { propagationPolicy?: string } | undefined)?.propagationPolicy ?? c.query.get('propagationPolicy'),
      ),
    ).toEqual(['Background', 'Background']);
  });

  it('a refused apply is a KubeError with the server message', async () => {
    // the captured 403 of a token without a role (on a list of Secrets), replayed for the apply
    const a = await applier([
      'apply-discovery',
      'apply-read-missing',
      { answer: 'informer-list-forbidden', route: route('apply-created') },
    ]);
    const error = await a.apply([configMap('a')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({ status: 403, reason: 'Forbidden' });
    expect((error as Error).message).toMatch(
      /^kubernetes apply ConfigMap\/web-config failed \(403\): secrets is forbidden/,
    );
  });
});
