import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface ProbeOptions {
  /** PEM CA to verify the server with; without it a loopback https probe skips verification. */
  ca?: string;
  bearer?: string;
  timeoutMs?: number;
}

/**
 * Status code of a GET, or undefined when nothing answers. Used for readiness checks of
 * loopback components whose self-signed certificates exist only once they run.
 */
export function probeHttp(url: string, options: ProbeOptions = {}): Promise<number | undefined> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      u,
      {
        method: 'GET',
        headers: options.bearer ? { authorization: `Bearer ${options.bearer}` } : {},
        timeout: options.timeoutMs ?? 2000,
        ...(u.protocol === 'https:' ? (options.ca ? { ca: options.ca } : { rejectUnauthorized: false }) : {}),
      },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function probeTcp(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}
