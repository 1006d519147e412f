import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeConfig, V1Secret } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  capturedAnswers as answers,
  serveInApiserversPlace,
  type CapturedAnswer as Answer,
} from './fixtures/replay.js';
import { Informer, listAllPages, type WatchEventType } from './informer.js';
import { kubeStatus } from './kube-error.js';
import { kubeHttpFor } from './kube-http.js';

const answer = (name: string): Pick<Answer, 'status' | 'body'> =>
  answers[name] ?? { status: 500, body: `no captured answer ${name}` };
/** A captured list's items as name@resourceVersion. */
const itemsOf = (name: string) =>
  (answer(name).body as { items: V1Secret[] }).items.map((s) => `${s.metadata?.name}@${s.metadata?.resourceVersion}`);
const listRv = (name: string) =>
  (answer(name).body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

/**
 * A test server in the apiserver's place: it replays captured answers in order (lists and
 * watches each from their own script; a watch answer is its events, one per line, then the end of
 * the stream, as when the server closes it), and holds a watch open once its script is used up.
 */
class ReplayServer {
  readonly requests: { kind: 'list' | 'watch'; query: URLSearchParams }[] = [];
  open = 0;
  stop: () => Promise<void> = () => Promise.resolve();
  constructor(private readonly script: { list: string[]; watch: string[] }) {}

  async start(): Promise<KubeConfig> {
    const scripts = { list: [...this.script.list], watch: [...this.script.watch] };
    const { kc, stop } = await serveInApiserversPlace((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const kind = url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
      this.requests.push({ kind, query: url.searchParams });
      const next = scripts[kind].shift();
      if (next === undefined) {
        this.open++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        req.on('close', () => this.open--);
        return;
      }
      const { status, body } = answer(next);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(Array.isArray(body) ? body.map((e) => JSON.stringify(e) + '\n').join('') : JSON.stringify(body));
    });
    this.stop = stop;
    return kc;
  }

  watches() {
    return this.requests.filter((r) => r.kind === 'watch').map((r) => r.query);
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Informer (answers of a real apiserver)', () => {
  let server: ReplayServer;
  let informer: Informer<V1Secret, V1Secret> | undefined;
  afterEach(async () => {
    informer?.stop();
    await server.stop();
  });

  const start = async (script: { list: string[]; watch: string[] }, retryDelayMs = 20) => {
    server = new ReplayServer(script);
    const kc = await server.start();
    const seen = {
      lists: [] as string[][],
      events: [] as [WatchEventType, string, string][],
      errors: [] as [string, number][],
    };
    informer = new Informer<V1Secret, V1Secret>(kc, {
      path: '/api/v1/namespaces/cap/secrets',
      labelSelector: 'app=cap',
      list: () => listAllPages(kubeHttpFor(kc), 'list', '/api/v1/namespaces/cap/secrets', { labelSelector: 'app=cap' }),
      onList: (items) => seen.lists.push(items.map((s) => `${s.metadata?.name}@${s.metadata?.resourceVersion}`)),
      onEvent: (type, s) => seen.events.push([type, s.metadata?.name ?? '', s.metadata?.resourceVersion ?? '']),
      onError: (error, during) => seen.errors.push([during, kubeStatus(error)]),
      retryDelayMs,
    });
    return seen;
  };

  it('lists, watches from the list resourceVersion with bookmarks, hands on each event and resumes where it was', async () => {
    const seen = await start({ list: ['informer-list'], watch: ['informer-watch'] });
    await informer?.start();
    expect(informer?.synced).toBe(true);
    expect(seen.lists).toEqual([itemsOf('informer-list')]);
    await until('the resumed watch', () => server.open === 1);
    // the captured stream: b added, a modified, b deleted, and a bookmark (not handed on)
    const stream = answer('informer-watch').body as { type: string; object: V1Secret }[];
    expect(stream.map((e) => e.type).sort()).toEqual(['ADDED', 'BOOKMARK', 'DELETED', 'MODIFIED']);
    const rv = (type: string) => stream.find((e) => e.type === type)?.object.metadata?.resourceVersion;
    expect(seen.events).toEqual([
      ['ADDED', 'b', rv('ADDED')],
      ['MODIFIED', 'a', rv('MODIFIED')],
      ['DELETED', 'b', rv('DELETED')],
    ]);
    const [first, resumed] = server.watches();
    expect(Object.fromEntries(first ?? [])).toMatchObject({
      watch: 'true',
      resourceVersion: listRv('informer-list'),
      labelSelector: 'app=cap',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '300',
    });
    // the server closed the stream: the watch resumes from the last event, without a new list
    expect(resumed?.get('resourceVersion')).toBe(stream.at(-1)?.object.metadata?.resourceVersion);
    expect(server.requests.filter((r) => r.kind === 'list')).toHaveLength(1);
    expect(seen.errors).toEqual([]);
  });

  it('410 Gone (resourceVersion too old): lists again at once and watches from the new list', async () => {
    // a retry delay longer than the test: only a relist at once passes
    const seen = await start({ list: ['informer-list', 'informer-relist'], watch: ['informer-watch-gone'] }, 60_000);
    await informer?.start();
    await until('the watch after the relist', () => server.open === 1);
    expect(seen.lists).toEqual([itemsOf('informer-list'), itemsOf('informer-relist')]);
    expect(server.watches().map((q) => q.get('resourceVersion'))).toEqual([
      listRv('informer-list'),
      listRv('informer-relist'),
    ]);
    expect(seen.events).toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it('a first list refused (403) rejects start() and is retried until it succeeds', async () => {
    const seen = await start({ list: ['informer-list-forbidden', 'informer-list'], watch: [] });
    await expect(informer?.start()).rejects.toMatchObject({ status: 403, reason: 'Forbidden' });
    expect(informer?.synced).toBe(false);
    await until('the retried list', () => informer?.synced === true);
    expect(seen.lists).toEqual([itemsOf('informer-list')]);
    await until('the watch', () => server.open === 1);
  });

  it('a watch refused (403) is reported, then listed again after the delay; a failed relist is reported and retried', async () => {
    const seen = await start({
      list: ['informer-list', 'informer-list-forbidden', 'informer-relist'],
      watch: ['informer-list-forbidden'],
    });
    await informer?.start();
    await until('the watch after the relist', () => server.open === 1);
    expect(seen.errors).toEqual([
      ['watch', 403],
      ['list', 403],
    ]);
    expect(seen.lists).toEqual([itemsOf('informer-list'), itemsOf('informer-relist')]);
    expect(server.watches().at(-1)?.get('resourceVersion')).toBe(listRv('informer-relist'));
  });

  it('stop() closes the open watch, and nothing is called after it', async () => {
    const seen = await start({ list: ['informer-list'], watch: [] });
    await informer?.start();
    await until('the watch', () => server.open === 1);
    informer?.stop();
    expect(informer?.synced).toBe(false);
    await until('the watch closed', () => server.open === 0);
    const requests = server.requests.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.requests).toHaveLength(requests);
    expect(seen.errors).toEqual([]);
  });
});
