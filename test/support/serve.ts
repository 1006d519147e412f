import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import bcrypt from 'bcryptjs';
import { slipwayBin } from './cli.js';

/** Values of a service that runs on kwok's nodes and meets prod's rules too. */
export const kwokValues = {
  replicaCount: 2,
  healthCheckPath: '/health',
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '64Mi' } },
  nodeSelector: { type: 'kwok' },
  affinity: { podAntiAffinity: {} },
};

/** The image tag a Deployment runs in the cluster, or undefined when there is no such Deployment. */
export async function deploymentTag(kc: KubeConfig, namespace: string, name: string): Promise<string | undefined> {
  const d = await kc
    .makeApiClient(AppsV1Api)
    .readNamespacedDeployment({ name, namespace })
    .catch(() => undefined);
  return /:([^:@/]+)(@|$)/.exec(d?.spec?.template.spec?.containers[0]?.image ?? '')?.[1];
}

/** A users file (`name:bcrypt-hash[:groups]`) with the given users, passwords and groups. */
export function usersFile(users: Record<string, string | { password: string; groups: string[] }>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'slipway-users-')), 'users');
  writeFileSync(
    file,
    Object.entries(users)
      .map(([name, user]) => {
        const { password, groups } = typeof user === 'string' ? { password: user, groups: [] } : user;
        return `${name}:${bcrypt.hashSync(password, 4)}${groups.length > 0 ? `:${groups.join(',')}` : ''}\n`;
      })
      .join(''),
    { mode: 0o600 },
  );
  return file;
}

export interface RunningServe {
  url: string;
  child: ChildProcess;
  /** Everything the server logged so far (JSON lines on stdout, messages on stderr). */
  output: () => string;
  /**
   * The output once it matches the pattern (or after `timeoutMs`, for the assertion to show it):
   * the server's log lines reach the pipe independently of its HTTP answers.
   */
  outputMatching: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  /** Stops it with the signal and waits for the exit; resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts the built `slipway serve` on a free loopback port and waits until it listens. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunningServe> {
  const child = spawn(
    process.execPath,
    [slipwayBin, 'serve', '--listen', '127.0.0.1:0', '--insecure-cookies', ...args],
    { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      output += b.toString();
      const m = /slipway serve: listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1])
        resolve({
          url: m[1],
          child,
          output: () => output,
          outputMatching: async (pattern, timeoutMs = 10_000) => {
            const until = Date.now() + timeoutMs;
            while (!pattern.test(output) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
            return output;
          },
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`slipway serve exited (${code}) before listening:\n${output}`)));
  });
}

/** A signed-in browser-like client: the session cookie and the CSRF token of its pages. */
export interface ServeClient {
  cookie: string;
  csrf: string;
  get: (path: string) => Promise<Response>;
  post: (path: string, body: unknown) => Promise<Response>;
}

const cookieOf = (res: Response) => /^([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
const csrfOf = (html: string) => /name="(?:csrf-token|_csrf)" (?:content|value)="([^"]+)"/.exec(html)?.[1] ?? '';

/** Signs in through the login form, as a browser does. */
export async function signIn(url: string, user: string, password: string): Promise<ServeClient> {
  const login = await fetch(`${url}/login`);
  let cookie = cookieOf(login);
  const form = new URLSearchParams({ _csrf: csrfOf(await login.text()), username: user, password });
  const res = await fetch(`${url}/login`, { method: 'POST', body: form, headers: { cookie }, redirect: 'manual' });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  cookie = cookieOf(res);
  const board = await fetch(`${url}/deploy`, { headers: { cookie } });
  const csrf = csrfOf(await board.text());
  return {
    cookie,
    csrf,
    get: (path) => fetch(`${url}${path}`, { headers: { cookie }, redirect: 'manual' }),
    post: (path, body) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify(body),
        redirect: 'manual',
      }),
  };
}

/** One server-sent event. */
export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

/** One SSE block (`event:`, `id:`, `data:` lines) as an event. */
function sseBlock(block: string): SseEvent {
  const fields = new Map(
    block.split('\n').map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).trimStart()] as const;
    }),
  );
  return {
    event: fields.get('event') ?? 'message',
    ...(fields.has('id') ? { id: fields.get('id') } : {}),
    data: JSON.parse(fields.get('data') ?? 'null') as unknown,
  };
}

/** Reads an SSE stream to its end (a run's stream ends with `run-end`). */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map(sseBlock);
}

/**
 * Reads an SSE stream that stays open (the live board) until an event satisfies `until`:
 * returns the events so far, that one last; the stream is cancelled.
 */
export async function readSseUntil(res: Response, until: (event: SseEvent) => boolean): Promise<SseEvent[]> {
  if (!res.body) throw new Error(`no event stream (${res.status})`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before the event waited for: ${JSON.stringify(events.at(-1))}`);
      buffer += value;
      for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (block.trim() === '') continue;
        events.push(sseBlock(block));
        if (until(events.at(-1) as SseEvent)) return events;
      }
    }
  } finally {
    await reader.cancel();
  }
}

/** An answer of `fromAddress`: status, headers and body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request to the server from a chosen loopback source address (127.0.0.2 is "the auth
 * proxy" when it is pinned; fetch always comes from 127.0.0.1).
 */
export function fromAddress(
  url: string,
  localAddress: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
