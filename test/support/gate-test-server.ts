import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A Gate-compatible TEST server (CONTRIBUTING.md: stand-ins only for services we cannot run;
 * Spinnaker needs a dozen JVM services and Redis). It is not Spinnaker: it answers the calls
 * `slipway pipelines` makes the way Gate and Front50 do, as their sources document:
 *
 * - `GET /version`; 401 without credentials when credentials are configured (Spring Security's
 *   body), a `SESSION` cookie after the first authenticated request that then stands for them;
 * - `GET /applications/{app}`: 404 "Application not found" until a created application becomes
 *   visible (`appVisibleAfterMs`), like a new application before Front50/Fiat caught up;
 * - `POST /tasks` createApplication → `{ ref: "/tasks/<id>" }`, `GET /tasks/<id>` RUNNING then SUCCEEDED;
 * - `GET /applications/{app}/pipelineConfigs`: the stored configs with the server's fields (id,
 *   index, updateTs, lastModified, lastModifiedBy, schema "1", triggers []), and for `staleReads`
 *   reads after a write the previous list (Front50 serves its cache for a while);
 * - `POST /pipelines?staleCheck=true`, blocking until the save is done (gate
 *   `controllers/PipelineController.groovy` savePipeline: createAndWaitForCompletion, a failed
 *   task → 400 with Front50's message): server-assigned ids; names trimmed and unique per
 *   application case-insensitively ("A pipeline with name X already exists in application Y",
 *   front50 `checkForDuplicatePipeline`); with staleCheck, an id and a `lastModified` that differs
 *   from the stored one → 400 "The submitted pipeline is stale.  submitted updateTs … does not
 *   match stored updateTs …" (front50-web `controllers/PipelineController.java`
 *   `checkForStalePipeline`, with its two spaces); 403 while the application is not visible yet;
 * - `DELETE /pipelines/{app}/{name}`: case-insensitive, a missing name is a no-op (gate
 *   `deletePipeline` filters the configs by name).
 *
 * Tests drive it "from the UI" (`editInUi`, `createByHand`), intercept saves (`beforeSave`),
 * make it fail (`failWith`) or stop it (Gate down).
 */
export interface GateTestServerOptions {
  /**
   * Required credentials; none: every request is allowed (Gate without auth). `x509`: a client
   * certificate signed by `tls.ca` is accepted as its CN (Gate's x509 port).
   */
  credentials?: { token?: string; username?: string; password?: string; x509?: boolean };
  /** Serve HTTPS with this key and certificate (PEM), asking for client certificates signed by `ca`. */
  tls?: { key: string; cert: string; ca: string };
  /** A created application answers 404 for this long. Default 150 ms. */
  appVisibleAfterMs?: number;
  /** Reads of an application's pipelineConfigs after a write that still serve the old list. Default 1. */
  staleReads?: number;
  /** How long a save blocks (Orca's task). Default 5 ms. */
  saveMs?: number;
}

interface StoredApp {
  name: string;
  visibleAt: number;
  attributes: Record<string, unknown>;
  pipelines: Record<string, unknown>[];
  /** The list served while Front50's cache is stale, and how many reads it still serves. */
  cached?: { pipelines: Record<string, unknown>[]; reads: number };
}

export interface RecordedRequest {
  method: string;
  path: string;
  application?: string;
}

export class GateTestServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests that came with the SESSION cookie (no credentials needed). */
  sessionRequests = 0;
  /** Called with each pipeline POSTed, before it is checked (a test's concurrent UI save goes here). */
  beforeSave: ((pipeline: Record<string, unknown>) => void) | undefined;
  private readonly apps = new Map<string, StoredApp>();
  private readonly tasks = new Map<string, { polls: number }>();
  private readonly sessions = new Map<string, string>();
  private failure: { status: number; when: (r: RecordedRequest) => boolean } | undefined;
  private clock = 1_700_000_000_000;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: GateTestServerOptions,
  ) {}

  static async start(options: GateTestServerOptions = {}): Promise<GateTestServer> {
    const { tls } = options;
    const server = tls ? createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: false }) : createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const gate = new GateTestServer(server, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, options);
    server.on('request', (req, res) => void gate.handle(req, res));
    return gate;
  }

  /** Gate down: stops answering (connections refused). */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** From now on, requests `when` matches answer `status` (Gate's 500 body); `undefined` heals it. */
  failWith(status: number | undefined, when: (r: RecordedRequest) => boolean = () => true): void {
    this.failure = status === undefined ? undefined : { status, when };
  }

  /** Writes (POST, DELETE) received so far, optionally of one application. */
  writes(application?: string): number {
    return this.requests.filter(
      (r) => r.method !== 'GET' && (application === undefined || r.application === application),
    ).length;
  }

  /** The stored pipeline configs of an application (server fields included), or undefined. */
  pipelines(application: string): Record<string, unknown>[] | undefined {
    return this.apps.get(application.toLowerCase())?.pipelines.map((p) => structuredClone(p));
  }

  applications(): string[] {
    return [...this.apps.keys()].sort();
  }

  /** An edit saved in Deck: the stored pipeline changed, a new lastModified, another author. */
  editInUi(application: string, name: string, edit: (pipeline: Record<string, unknown>) => void): void {
    const app = this.apps.get(application.toLowerCase());
    const stored = app?.pipelines.find((p) => String(p['name']).toLowerCase() === name.toLowerCase());
    if (!app || !stored) throw new Error(`test server: no pipeline ${application}/${name}`);
    const copy = structuredClone(stored);
    edit(copy);
    this.store(app, copy, 'someone@ui');
  }

  /** A pipeline made by hand in the UI (no slipway marker); creates the application if needed. */
  createByHand(application: string, pipeline: Record<string, unknown>): void {
    const app = this.app(application, { name: application }, 0);
    this.store(app, { application, ...pipeline, id: randomUUID() }, 'someone@ui');
  }

  private app(name: string, attributes: Record<string, unknown>, visibleAfterMs: number): StoredApp {
    const key = name.toLowerCase();
    let app = this.apps.get(key);
    if (!app) {
      app = { name: key, visibleAt: Date.now() + visibleAfterMs, attributes, pipelines: [] };
      this.apps.set(key, app);
    }
    return app;
  }

  private visible(name: string): StoredApp | undefined {
    const app = this.apps.get(name.toLowerCase());
    return app && Date.now() >= app.visibleAt ? app : undefined;
  }

  /**
   * Front50's save: server fields set; a save through the API keeps the old list as the stale
   * cache (`staleReads`). A test's UI edit does not: a plan made after it sees it.
   */
  private store(app: StoredApp, pipeline: Record<string, unknown>, user: string, api = false): void {
    if (api) app.cached = { pipelines: structuredClone(app.pipelines), reads: this.options.staleReads ?? 1 };
    this.clock = Math.max(this.clock + 1, Date.now());
    const at = app.pipelines.findIndex((p) => p['id'] === pipeline['id']);
    const saved = {
      ...pipeline,
      name: String(pipeline['name']).trim(),
      index: at >= 0 ? app.pipelines[at]?.['index'] : app.pipelines.length,
      lastModified: this.clock,
      updateTs: String(this.clock),
      lastModifiedBy: user,
      schema: pipeline['schema'] ?? '1',
      triggers: pipeline['triggers'] ?? [],
    };
    if (at >= 0) app.pipelines[at] = saved;
    else app.pipelines.push(saved);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const appOf =
      (parts[0] === 'applications' || parts[0] === 'pipelines') && parts[1] ? parts[1].toLowerCase() : undefined;
    const body = await readBody(req);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      ...(appOf ? { application: appOf } : {}),
    };
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      return send(res, 400, springError(400, 'Bad Request', 'JSON parse error', url.pathname));
    }
    if (record.method === 'POST' && parts[0] === 'tasks') {
      const created = (json as { job?: { application?: { name?: unknown } }[] } | undefined)?.job?.[0]?.application
        ?.name;
      if (typeof created === 'string') record.application = created.toLowerCase();
    }
    if (record.method === 'POST' && parts[0] === 'pipelines') {
      const of = (json as { application?: unknown } | undefined)?.application;
      if (typeof of === 'string') record.application = of.toLowerCase();
    }
    this.requests.push(record);

    const user = this.authenticate(req, res);
    if (user === undefined)
      return send(
        res,
        401,
        springError(401, 'Unauthorized', 'Full authentication is required to access this resource', url.pathname),
      );
    if (this.failure?.when(record))
      return send(
        res,
        this.failure.status,
        springError(
          this.failure.status,
          'Internal Server Error',
          'front50 is unavailable (test server failure)',
          url.pathname,
        ),
      );

    const route = `${record.method} ${parts[0] ?? ''}`;
    if (route === 'GET version' && parts.length === 1) return send(res, 200, { version: '1.36.0-gate-test-server' });
    if (route === 'GET applications' && parts.length === 2) {
      const app = this.visible(parts[1] ?? '');
      if (!app)
        return send(res, 404, springError(404, 'Not Found', `Application not found (id: ${parts[1]})`, url.pathname));
      return send(res, 200, { name: app.name, attributes: { ...app.attributes, name: app.name }, clusters: {} });
    }
    if (route === 'GET applications' && parts.length === 3 && parts[2] === 'pipelineConfigs') {
      const app = this.visible(parts[1] ?? '');
      if (!app) return send(res, 200, []);
      if (app.cached && app.cached.reads > 0) {
        app.cached.reads--;
        return send(res, 200, app.cached.pipelines);
      }
      return send(res, 200, app.pipelines);
    }
    if (route === 'POST tasks' && parts.length === 1) {
      const job = (json as { job?: { type?: unknown; application?: Record<string, unknown> }[] } | undefined)?.job?.[0];
      const name = job?.application?.['name'];
      if (job?.type !== 'createApplication' || typeof name !== 'string')
        return send(
          res,
          400,
          springError(400, 'Bad Request', 'test server: only createApplication tasks', url.pathname),
        );
      this.app(name, job.application ?? {}, this.options.appVisibleAfterMs ?? 150);
      const id = randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase();
      this.tasks.set(id, { polls: 0 });
      return send(res, 200, { ref: `/tasks/${id}` });
    }
    if (route === 'GET tasks' && parts.length === 2) {
      const task = this.tasks.get(parts[1] ?? '');
      if (!task) return send(res, 404, springError(404, 'Not Found', `Task not found (id: ${parts[1]})`, url.pathname));
      task.polls++;
      return send(res, 200, { id: parts[1], status: task.polls > 1 ? 'SUCCEEDED' : 'RUNNING', variables: [] });
    }
    if (route === 'POST pipelines' && parts.length === 1) return this.save(res, json, url, user);
    if (route === 'DELETE pipelines' && parts.length === 3) {
      const app = this.apps.get(parts[1]?.toLowerCase() ?? '');
      if (app) {
        const at = app.pipelines.findIndex((p) => String(p['name']).trim().toLowerCase() === parts[2]?.toLowerCase());
        if (at >= 0) {
          app.cached = { pipelines: structuredClone(app.pipelines), reads: this.options.staleReads ?? 1 };
          app.pipelines.splice(at, 1);
        }
      }
      return send(res, 200, undefined);
    }
    return send(
      res,
      404,
      springError(404, 'Not Found', `No handler for ${record.method} ${url.pathname}`, url.pathname),
    );
  }

  private async save(res: ServerResponse, json: unknown, url: URL, user: string): Promise<void> {
    const pipeline = (json ?? {}) as Record<string, unknown>;
    this.beforeSave?.(pipeline);
    await sleep(this.options.saveMs ?? 5); // Gate answers when Orca's savePipeline task has ended
    const application = typeof pipeline['application'] === 'string' ? pipeline['application'] : '';
    const name = typeof pipeline['name'] === 'string' ? pipeline['name'].trim() : '';
    const fail = (message: string) => send(res, 400, springError(400, 'Bad Request', message, url.pathname));
    if (!application || !name) return fail('A pipeline requires name and application fields');
    const app = this.visible(application);
    if (!app)
      return send(res, 403, springError(403, 'Forbidden', `Access denied to application ${application}`, url.pathname));
    const id = typeof pipeline['id'] === 'string' && pipeline['id'] ? pipeline['id'] : undefined;
    const stored = id ? app.pipelines.find((p) => p['id'] === id) : undefined;
    if (url.searchParams.get('staleCheck') === 'true' && stored && typeof pipeline['lastModified'] === 'number') {
      if (pipeline['lastModified'] !== stored['lastModified'])
        return fail(
          `The submitted pipeline is stale.  submitted updateTs ${pipeline['lastModified']} does not match stored updateTs ${String(stored['lastModified'])}`,
        );
    }
    if (app.pipelines.some((p) => String(p['name']).toLowerCase() === name.toLowerCase() && p['id'] !== id))
      return fail(`A pipeline with name ${name} already exists in application ${application}`);
    this.store(app, { ...pipeline, id: id ?? randomUUID() }, user, true);
    return send(res, 200, undefined);
  }

  /** The user of a request, or undefined when it must be refused (401). Sets the SESSION cookie. */
  private authenticate(req: IncomingMessage, res: ServerResponse): string | undefined {
    const required = this.options.credentials;
    if (!required) return 'anonymous';
    const session = /(?:^|;\s*)SESSION=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const sessionUser = session ? this.sessions.get(session) : undefined;
    if (sessionUser) {
      this.sessionRequests++;
      return sessionUser;
    }
    const auth = req.headers.authorization ?? '';
    let user: string | undefined;
    if (required.token && auth === `Bearer ${required.token}`) user = 'token-user';
    if (required.username && auth.startsWith('Basic ')) {
      const [u, p] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (u === required.username && p === required.password) user = u;
    }
    const socket = req.socket as Partial<TLSSocket>;
    if (!user && required.x509 && socket.authorized) {
      const cn = socket.getPeerCertificate?.().subject?.CN;
      user = typeof cn === 'string' ? cn : undefined;
    }
    if (user) {
      const id = randomUUID();
      this.sessions.set(id, user);
      res.setHeader('set-cookie', `SESSION=${id}; Path=/; HttpOnly; SameSite=Lax`);
    }
    return user;
  }
}

const springError = (status: number, error: string, message: string, path: string) => ({
  timestamp: new Date().toISOString(),
  status,
  error,
  message,
  path,
});

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
