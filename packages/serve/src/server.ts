import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import bcrypt from 'bcryptjs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { appCss, appJs } from './assets.js';
import type { ServeEngine } from './engine.js';
import { serveMetrics } from './metrics.js';
import { parseCookies, serializeCookie } from './pure/cookies.js';
import { AuthProxy, type AuthProxyOptions } from './auth-proxy.js';
import { permissionRefusal, type Identity, type StackAction } from './pure/permissions.js';
import type { UserEntry } from './pure/users-file.js';
import { RecentCounts } from './pure/webhook.js';
import { proxySignIn } from './proxy-sign-in.js';
import { loginPage } from './pure/views.js';
import { BoardWatch } from './board-watch.js';
import { boardOf } from './pure/board.js';
import { apiRoutes } from './routes-api.js';
import { approvalRoutes } from './routes-approvals.js';
import { boardRoutes } from './routes-board.js';
import { historyRoutes } from './routes-history.js';
import { hookRoutes } from './routes-hooks.js';
import { pageRoutes } from './routes-pages.js';
import { startRoutes } from './routes-start.js';
import { RunStore } from './run-store.js';
import { Runs, type RunObserver } from './runs.js';
import { slackNotifier, type SlackTarget } from './slack.js';
import { csrfMatches, Sessions, type Session } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | undefined;
  }
}

export interface ServeOptions {
  engine: ServeEngine;
  /** user → bcrypt hash and groups (`--users`); empty: sign-in only through the auth proxy. */
  users: ReadonlyMap<string, UserEntry>;
  /** `--auth-proxy`: trusted headers from the pinned proxy addresses sign people in. */
  authProxy?: AuthProxyOptions;
  /** Namespace of the run records (in the engine's runs cluster). */
  runsNamespace: string;
  /** Secure cookies (off only for plain HTTP on loopback). */
  secureCookies: boolean;
  /** The address people reach the server at (links in notifications). */
  publicUrl?: string;
  /** A webhook trigger's secret (never from the catalog); undefined: that trigger refuses every delivery. */
  hookSecret?: (service: string, trigger: string) => string | undefined | Promise<string | undefined>;
  /** Slack: run started, succeeded, failed to each service's notifications.slack channel. */
  slack?: SlackTarget;
  /** How often the live board reads the status while someone watches it (default 3 s). */
  boardIntervalMs?: number;
  /** Pino options of the server's JSON log; false: no log (tests of pure parts). */
  logger?: boolean | { level?: string; stream?: NodeJS.WritableStream };
}

export const sessionCookie = 'slipway_session';
const sessionIdleMs = 8 * 3600_000;
/** Failed sign-ins per user name and address within 5 minutes before the next is refused. */
const maxFailedSignIns = 10;

/** What every route file gets. */
export interface ServeContext {
  app: FastifyInstance;
  engine: ServeEngine;
  runs: Runs;
  /** The board, one status read shared by every viewer. */
  board: BoardWatch;
  sessions: Sessions;
  metrics: ReturnType<typeof serveMetrics>;
  options: ServeOptions;
  /** One JSON audit line: who did what. */
  audit: (request: FastifyRequest, action: string, details?: Record<string, unknown>) => void;
  /** Sets the session cookie. */
  setSession: (reply: FastifyReply, session: Session) => void;
  /** Why the signed-in person may not do `action` on `stack` (slipway.yaml's permissions), or undefined. */
  refusal: (request: FastifyRequest, action: StackAction, stack: string) => string | undefined;
}

/** Who a request's session signed in, with their groups. */
export const identityOf = (session: Session | undefined): Identity | undefined =>
  session?.user ? { user: session.user, groups: session.groups ?? [] } : undefined;

/**
 * The `slipway serve` HTTP server: sign-in and sessions, CSRF on every state change, security
 * headers, the page, the JSON API, ops endpoints. Nothing but /login, /assets, /hooks and the ops
 * endpoints answers without a signed-in session.
 */
export async function buildServer(options: ServeOptions): Promise<{ app: FastifyInstance; runs: Runs }> {
  const app = Fastify({
    logger: options.logger ?? true,
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    // run ids and names only: no need for long URLs
    maxParamLength: 200,
    // SSE streams would hold close() open
    forceCloseConnections: true,
  });
  const store = new RunStore(options.engine.runsCluster(), options.runsNamespace);
  const sessions = new Sessions(sessionIdleMs);
  const unknownUserHash = bcrypt.hashSync(randomBytes(16).toString('hex'), 10);
  const failedSignIns = new RecentCounts(5 * 60_000);
  const running = { count: () => 0 };
  const metrics = serveMetrics(() => running.count());
  const observers: RunObserver[] = [metrics.observer];
  if (options.slack) observers.push(slackNotifier(options.slack, options.engine, app.log, metrics, options.publicUrl));
  const board = new BoardWatch(
    async () => boardOf(options.engine.catalog(), await options.engine.status()),
    () => runs.active(),
    options.boardIntervalMs ?? 3000,
    app.log,
  );
  observers.push(board.observer);
  const runs = new Runs(options.engine, store, app.log, observers);
  running.count = () => runs.running;
  app.addHook('onClose', (_app, done) => {
    board.stop();
    done();
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        upgradeInsecureRequests: options.secureCookies ? [] : null,
      },
    },
    hsts: options.secureCookies,
  });
  await app.register(formbody);

  app.decorateRequest('session', undefined);
  const proxy = options.authProxy ? new AuthProxy(options.authProxy) : undefined;
  app.addHook('onRequest', (request, reply, done) => {
    request.session = sessions.get(parseCookies(request.headers.cookie).get(sessionCookie));
    if (proxy) proxySignIn(proxy, ctx, request, reply);
    // a proxy's session lives only as long as the proxy vouches for it
    else if (request.session?.via === 'proxy') request.session = undefined;
    void reply.header('cache-control', 'no-store');
    done();
  });

  const ctx: ServeContext = {
    app,
    engine: options.engine,
    runs,
    board,
    sessions,
    metrics,
    options,
    audit: (request, action, details = {}) =>
      app.log.info(
        { audit: { user: request.session?.user ?? null, action, ip: request.ip, ...details } },
        `audit ${action}`,
      ),
    setSession: (reply, session) =>
      void reply.header(
        'set-cookie',
        serializeCookie(sessionCookie, session.id, { secure: options.secureCookies, maxAge: sessionIdleMs / 1000 }),
      ),
    refusal: (request, action, stack) => {
      const who = identityOf(request.session);
      if (!who) return 'sign in first';
      return permissionRefusal(options.engine.catalog().settings, stack, action, who);
    },
  };

  // every state change carries the session's CSRF token (a form field or the X-CSRF-Token header);
  // webhooks are signed instead
  app.addHook('preHandler', (request, reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || request.url.startsWith('/hooks/')) return done();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const submitted = request.headers['x-csrf-token'] ?? body['_csrf'];
    if (!request.session || !csrfMatches(request.session, submitted)) {
      ctx.audit(request, 'csrf-refused', { method: request.method, url: request.url });
      void reply.code(403).send({ error: 'missing or wrong CSRF token: reload the page and try again' });
      return;
    }
    done();
  });

  app.get('/assets/app.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').send(appJs));
  app.get('/assets/app.css', (_req, reply) => reply.type('text/css; charset=utf-8').send(appCss));

  app.get('/login', (request, reply) => {
    const session = request.session ?? sessions.create();
    if (!request.session) ctx.setSession(reply, session);
    if (session.user) return reply.redirect('/', 303);
    return reply.type('text/html; charset=utf-8').send(loginPage({ csrf: session.csrf }));
  });
  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const username = typeof body['username'] === 'string' ? body['username'] : '';
    const password = typeof body['password'] === 'string' ? body['password'] : '';
    const entry = options.users.get(username);
    const hash = entry?.hash;
    // guessing is slowed: a few failed sign-ins per user name and address, then 429 for a while
    const guesser = `${request.ip} ${username.slice(0, 64)}`;
    if (failedSignIns.count(guesser, Date.now()) >= maxFailedSignIns) {
      ctx.audit(request, 'sign-in-refused', { username: username.slice(0, 64), reason: 'too many failed sign-ins' });
      return reply
        .code(429)
        .type('text/html; charset=utf-8')
        .send(loginPage({ csrf: request.session?.csrf ?? '' }, 'too many failed sign-ins: wait 5 minutes'));
    }
    // compare against a hash even for an unknown user: the answer takes as long either way
    const ok = await bcrypt.compare(password, hash ?? unknownUserHash);
    if (!hash || !ok) {
      failedSignIns.add(guesser, Date.now());
      ctx.audit(request, 'sign-in-failed', { username: username.slice(0, 64) });
      const session = request.session as Session;
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginPage({ csrf: session.csrf }, 'wrong user or password'));
    }
    const session = sessions.signIn(request.session, username, entry?.groups ?? []);
    request.session = session;
    ctx.setSession(reply, session);
    ctx.audit(request, 'sign-in');
    return reply.redirect('/', 303);
  });
  app.post('/logout', (request, reply) => {
    ctx.audit(request, 'sign-out');
    if (request.session) sessions.end(request.session);
    void reply.header('set-cookie', serializeCookie(sessionCookie, '', { secure: options.secureCookies, maxAge: 0 }));
    return reply.redirect('/login', 303);
  });

  app.get('/healthz', () => ({ ok: true }));
  let ready = false;
  app.get('/readyz', (_req, reply) => (ready ? { ready: true } : reply.code(503).send({ ready: false })));
  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );

  await app.register((scope, _opts, done) => {
    // signed in, or nothing: the API answers 401, the page sends to /login
    scope.addHook('onRequest', (request, reply, next) => {
      if (request.session?.user) return next();
      if (request.url.startsWith('/api/')) void reply.code(401).send({ error: 'sign in first' });
      else void reply.redirect('/login', 303);
    });
    apiRoutes(scope, ctx);
    startRoutes(scope, ctx);
    boardRoutes(scope, ctx);
    historyRoutes(scope, ctx);
    approvalRoutes(scope, ctx);
    pageRoutes(scope, ctx);
    done();
  });

  await store.ensureNamespace();
  const interrupted = await runs.recover();
  await hookRoutes(app, ctx);
  for (const run of interrupted)
    app.log.warn({ run: run.id }, 'a run left running by a stopped server is marked interrupted');
  app.addHook('onReady', (done) => {
    ready = true;
    done();
  });
  return { app, runs };
}
