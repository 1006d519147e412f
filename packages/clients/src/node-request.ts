import { request as httpRequest, type Agent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface NodeRequestInit {
  method: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** A kept-alive agent (node:http's for http:, node:https's for https:); default: Node's global one. */
  agent?: Agent;
  signal?: AbortSignal;
  /** A socket silent for this many ms fails the request (ETIMEDOUT). */
  idleTimeoutMs?: number;
}

/**
 * One request over node:http(s); resolves with the answer's head, its body the caller's to read.
 * Node's own HTTP parser: undici's WebAssembly one costs a controller ~17 MiB once loaded and
 * a ~25 MiB transient while it warms up (ADR 0013).
 */
export function nodeRequest(url: URL, init: NodeRequestInit): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const options = { method: init.method, headers: init.headers, agent: init.agent, signal: init.signal };
    const req = send(url, options, resolve);
    const idle = init.idleTimeoutMs;
    if (idle !== undefined) {
      req.setTimeout(idle, () =>
        req.destroy(Object.assign(new Error(`no data for ${idle} ms`), { code: 'ETIMEDOUT' })),
      );
    }
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A whole answer body as text; fails if the connection breaks before its end. */
export function bodyText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => (res.complete ? resolve(text) : reject(new Error('the connection closed mid-answer'))));
    res.on('error', reject);
  });
}
