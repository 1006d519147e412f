import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the Slack test server received: one JSON body per POST, with its path and authorization. */
export interface SlackMessage {
  path: string;
  authorization: string | undefined;
  body: { channel?: string; text?: string };
}

/**
 * Slack test server: a local HTTP server standing in for Slack (an incoming webhook and the Web
 * API's chat.postMessage), recording what Slack would receive. `status` is what it answers next.
 */
export class SlackTestServer {
  readonly messages: SlackMessage[] = [];
  status = 200;
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      let text = '';
      req.on('data', (b: Buffer) => (text += b.toString()));
      req.on('end', () => {
        this.messages.push({
          path: req.url ?? '',
          authorization: req.headers.authorization,
          body: JSON.parse(text || '{}') as SlackMessage['body'],
        });
        res.writeHead(this.status, { 'content-type': 'application/json' });
        res.end(this.status === 200 ? '{"ok":true}' : '{"ok":false,"error":"internal_error"}');
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}
