import { afterEach, describe, expect, it } from 'vitest';
import { capturedAnswers, serveInApiserversPlace } from './fixtures/replay.js';
import { KubeHttp } from './kube-http.js';
import { resourcePath } from './resources.js';

describe('resourcePath (discovery answers of a real apiserver)', () => {
  let stop = () => Promise.resolve();
  afterEach(() => stop());

  const served = async () => {
    const asked: string[] = [];
    const answers = Object.values(capturedAnswers).filter((a) => a.path === '/api/v1' || a.path.startsWith('/apis/'));
    const s = await serveInApiserversPlace((req, res) => {
      asked.push(req.url ?? '');
      const answer = answers.find((a) => a.path === req.url);
      if (!answer) return void res.writeHead(500).end();
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
    stop = s.stop;
    return { http: new KubeHttp(s.kc), asked };
  };

  it('namespaced kinds under their namespace, cluster-scoped ones without; one discovery per group version', async () => {
    const { http, asked } = await served();
    expect(await resourcePath(http, { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'cap', name: 'web' })).toBe(
      '/api/v1/namespaces/cap/configmaps/web',
    );
    expect(await resourcePath(http, { apiVersion: 'v1', kind: 'Namespace', namespace: 'cap', name: 'cap' })).toBe(
      '/api/v1/namespaces/cap',
    );
    expect(await resourcePath(http, { apiVersion: 'v1', kind: 'Pod', namespace: 'cap' })).toBe(
      '/api/v1/namespaces/cap/pods',
    );
    expect(asked).toEqual(['/api/v1']);
  });

  it('a group version the server does not serve, or a kind its list lacks: undefined', async () => {
    const { http } = await served();
    expect(await resourcePath(http, { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' })).toBeUndefined();
    expect(await resourcePath(http, { apiVersion: 'v1', kind: 'Widget', name: 'w' })).toBeUndefined();
  });
});
