import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecretSyncController } from './controller.js';

/** `/healthz` (liveness), `/readyz` (first cycle done, or standby) and `/metrics` (Prometheus). */
export function startHealthServer(
  controller: SecretSyncController,
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return controller.healthy ? send(200, 'ok\n') : send(503, 'the sync loop is stuck\n');
    if (path === '/readyz') {
      const detail = controller.readinessDetail;
      const note = detail ? `\n${detail}\n` : '\n';
      return controller.ready
        ? send(200, `${controller.leading ? 'ok: leader' : 'ok'}${note}`)
        : send(503, detail ? `not ready: ${detail}\n` : 'first cycle not done yet\n');
    }
    if (path === '/metrics') {
      controller.metrics.registry.metrics().then(
        (text) => send(200, text, controller.metrics.registry.contentType),
        () => send(500, 'metrics failed\n'),
      );
      return undefined;
    }
    return send(404, 'not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}
