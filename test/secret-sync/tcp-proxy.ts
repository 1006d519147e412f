import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of OpenBao, so a test can make the server unreachable at a precise moment
 * (real connection failures, not a mocked fetch): `cutWhen` sees each HTTP request line and can
 * stop the proxy before the request is forwarded; `start` again on the same port restores it.
 */
export class TcpProxy {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;
  cutWhen: ((requestLine: string) => boolean) | undefined;

  constructor(private readonly target: { host: string; port: number }) {}

  get address(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.target);
      this.#sockets.add(client);
      this.#sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.#sockets.delete(client);
        this.#sockets.delete(upstream);
      };
      client.on('error', drop);
      upstream.on('error', drop);
      client.on('close', drop);
      upstream.on('close', drop);
      upstream.on('data', (b: Buffer) => client.write(b));
      client.on('data', (b: Buffer) => {
        const lines = b.toString('latin1').match(/^[A-Z]+ \/v1\/\S+ HTTP\/1\.1/gm) ?? [];
        if (this.cutWhen && lines.some((l) => this.cutWhen?.(l))) {
          void this.stop();
          return;
        }
        upstream.write(b);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.#server = server;
  }

  /** Refuses new connections and breaks the open ones. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
