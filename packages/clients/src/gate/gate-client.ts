import { setTimeout as sleepMs } from 'node:timers/promises';
import { withRetry } from '@slipway/core';
import { CookieJar } from './cookie-jar.js';
import { GateError, GateStaleError, serverMessage } from './gate-error.js';
import { gateTransport, type GateFetch, type GateTlsOptions } from './transport.js';

/** How slipway authenticates to Gate; at most one of token and basic (x509 sits in `tls`). */
export interface GateAuth {
  /** `Authorization: Bearer` (an OAuth2 access token, or Gate's API token). */
  token?: string | undefined;
  /** `Authorization: Basic` (Gate's LDAP or basic-auth form). */
  basic?: { username: string; password: string } | undefined;
}

export interface GateClientOptions {
  /** Gate's base URL (`spinnaker.gate` of slipway.yaml, or `--gate`). */
  url: string;
  auth?: GateAuth;
  tls?: GateTlsOptions;
  /** Seam for tests; default undici over `tls`. */
  fetch?: GateFetch;
  /** Each request may take this long (a save blocks until Orca's task ends). Default 120 s. */
  requestTimeoutMs?: number;
  /** Polls (a new application's task, then the application becoming visible; reading back a save). */
  poll?: { attempts: number; delayMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export type PipelineConfig = Record<string, unknown>;

/** Statuses worth another try of a read: Gate restarting, a proxy in front of it, throttling. */
const transient = (e: unknown) => e instanceof GateError && (e.status === 0 || e.status === 429 || e.status >= 502);

/**
 * A thin client of Spinnaker Gate's REST API, the calls `slipway pipelines` makes: the
 * `/version` probe, applications (read, create through an Orca task), pipeline configs (read,
 * save with `staleCheck`, delete). Cookies (Gate's session) are kept between requests; reads are
 * retried on 429/5xx/no answer, writes never. Every failure is a `GateError` naming the call.
 */
export class GateClient {
  private readonly base: string;
  private readonly fetch: GateFetch;
  private readonly jar = new CookieJar();
  private readonly poll: { attempts: number; delayMs: number };
  private readonly sleep: (ms: number) => Promise<void>;
  /** Requests and writes made, in total and per application (for reports and benches). */
  readonly stats = { requests: 0, writes: 0, perApplication: new Map<string, number>() };

  constructor(private readonly options: GateClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.fetch = options.fetch ?? gateTransport(options.tls);
    this.poll = options.poll ?? { attempts: 60, delayMs: 1000 };
    this.sleep = options.sleep ?? ((ms) => sleepMs(ms));
  }

  get url(): string {
    return this.base;
  }

  /** `GET /version`: Gate answers and accepts our credentials. */
  async version(): Promise<{ version?: string }> {
    return (await this.read('GET /version', '/version')) as { version?: string };
  }

  /** `GET /applications/{app}`; undefined when Gate answers 404 (no such application). */
  async application(app: string): Promise<Record<string, unknown> | undefined> {
    try {
      return (await this.read(`GET /applications/${app}`, `/applications/${enc(app)}`, app)) as Record<string, unknown>;
    } catch (e) {
      if (e instanceof GateError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** `GET /applications/{app}/pipelineConfigs`. */
  async pipelineConfigs(app: string): Promise<PipelineConfig[]> {
    const configs = await this.read(
      `GET /applications/${app}/pipelineConfigs`,
      `/applications/${enc(app)}/pipelineConfigs`,
      app,
    );
    if (!Array.isArray(configs))
      throw new GateError(`GET /applications/${app}/pipelineConfigs`, 200, 'the answer is not a list of pipelines');
    return configs as PipelineConfig[];
  }

  /**
   * Creates an application through Orca (`POST /tasks`, job `createApplication`), waits for the
   * task to succeed, then until Gate serves the application: a new one answers 404 or 403
   * (Fiat has not synced its permissions) for a while. Bounded by `poll`.
   */
  async createApplication(app: string, attributes: { email?: string; description?: string } = {}): Promise<void> {
    const call = `POST /tasks (createApplication ${app})`;
    const task = (await this.request(call, 'POST', '/tasks', app, {
      application: app,
      description: `Create Application: ${app}`,
      job: [{ type: 'createApplication', application: { name: app, cloudProviders: 'kubernetes', ...attributes } }],
    })) as { ref?: unknown };
    const ref = typeof task?.ref === 'string' ? task.ref : undefined;
    if (ref) await this.waitForTask(call, ref, app);
    for (let attempt = 1; ; attempt++) {
      try {
        if (await this.application(app)) return;
      } catch (e) {
        if (!(e instanceof GateError && e.status === 403)) throw e;
      }
      if (attempt >= this.poll.attempts)
        throw new GateError(
          `GET /applications/${app}`,
          404,
          `application ${app} was created but Gate still does not serve it after ${attempt} tries; run apply again in a minute`,
        );
      await this.sleep(this.poll.delayMs);
    }
  }

  private async waitForTask(call: string, ref: string, app: string): Promise<void> {
    const path = ref.startsWith('/') ? ref : `/${ref}`;
    for (let attempt = 1; ; attempt++) {
      const task = (await this.read(`GET ${path}`, path, app)) as { status?: unknown; variables?: unknown };
      const status = typeof task?.status === 'string' ? task.status : '';
      if (status === 'SUCCEEDED') return;
      if (['TERMINAL', 'FAILED_CONTINUE', 'STOPPED', 'CANCELED'].includes(status))
        throw new GateError(
          call,
          200,
          `task ${path} ended ${status}${taskException(task) ? `: ${taskException(task)}` : ''}`,
        );
      if (attempt >= this.poll.attempts)
        throw new GateError(call, 200, `task ${path} still ${status || 'unknown'} after ${attempt} tries`);
      await this.sleep(this.poll.delayMs);
    }
  }

  /**
   * `POST /pipelines?staleCheck=true`: saves a pipeline (Gate blocks until Orca's savePipeline
   * task ends). An update carries the existing `id` and `lastModified`; Front50 refuses it when
   * the stored one has changed since (GateStaleError).
   */
  async savePipeline(pipeline: PipelineConfig): Promise<void> {
    const app = String(pipeline['application']);
    const call = `POST /pipelines (save ${app}/${String(pipeline['name'])})`;
    try {
      await this.request(call, 'POST', '/pipelines?staleCheck=true', app, pipeline, true);
    } catch (e) {
      if (e instanceof GateError && e.status === 400 && /\bstale\b/i.test(e.serverMessage))
        throw new GateStaleError(e.call, e.status, e.serverMessage, e.body);
      throw e;
    }
  }

  /** `DELETE /pipelines/{app}/{name}`. */
  async deletePipeline(app: string, name: string): Promise<void> {
    await this.request(
      `DELETE /pipelines/${app}/${name}`,
      'DELETE',
      `/pipelines/${enc(app)}/${enc(name)}`,
      app,
      undefined,
      true,
    );
  }

  private read(call: string, path: string, app?: string): Promise<unknown> {
    return withRetry(() => this.request(call, 'GET', path, app), {
      policy: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 },
      retryable: transient,
      sleep: this.sleep,
    });
  }

  private async request(
    call: string,
    method: string,
    path: string,
    app: string | undefined,
    body?: unknown,
    write = false,
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const { auth } = this.options;
    if (auth?.token) headers['authorization'] = `Bearer ${auth.token}`;
    else if (auth?.basic)
      headers['authorization'] =
        `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`;
    const cookie = this.jar.header();
    if (cookie) headers['cookie'] = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    this.stats.requests++;
    if (write) this.stats.writes++;
    if (app) this.stats.perApplication.set(app, (this.stats.perApplication.get(app) ?? 0) + 1);
    let response: Response;
    try {
      response = await this.fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 120_000),
      });
    } catch (e) {
      throw new GateError(call, 0, `no answer from ${this.base}: ${causeMessage(e)}`, '', { cause: e });
    }
    this.jar.update(response.headers);
    const text = await response.text();
    if (!response.ok) throw new GateError(call, response.status, serverMessage(response.statusText, text), text);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GateError(call, response.status, `the answer is not JSON: ${text.slice(0, 120)}`, text);
    }
  }
}

const enc = encodeURIComponent;

function taskException(task: { variables?: unknown }): string | undefined {
  if (!Array.isArray(task.variables)) return undefined;
  const exception = (task.variables as { key?: unknown; value?: unknown }[]).find((v) => v.key === 'exception');
  const errors = (exception?.value as { details?: { errors?: unknown } } | undefined)?.details?.errors;
  return Array.isArray(errors) ? errors.map(String).join('; ') : undefined;
}

/** undici's "fetch failed" with its cause: `connect ECONNREFUSED 127.0.0.1:8084`, a TLS error, a timeout. */
function causeMessage(e: unknown): string {
  const parts: string[] = [];
  for (let x: unknown = e, i = 0; x instanceof Error && i < 4; x = x.cause, i++) parts.push(x.message);
  return parts.filter((p, i) => i === parts.length - 1 || p !== 'fetch failed').join(': ') || String(e);
}
