import type { FastifyReply } from 'fastify';

/** A server-sent events stream on the reply (security headers kept): send events, then end. */
export function openSse(reply: FastifyReply): {
  send: (event: string, data: unknown, id?: number) => void;
  end: () => void;
} {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  return {
    send: (event, data, id) =>
      void raw.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    end: () => raw.end(),
  };
}
