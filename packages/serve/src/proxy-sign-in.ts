import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthProxy } from './auth-proxy.js';
import type { ServeContext } from './server.js';

/**
 * Applies an auth proxy's verdict to a request's session: the pinned proxy's headers sign the
 * person in (a new session, with its cookie and CSRF token, when the user changed) and keep their
 * groups current; without them a proxy session ends. The headers from any other address sign
 * nobody in, and a proxy session shown from there is not accepted either.
 */
export function proxySignIn(proxy: AuthProxy, ctx: ServeContext, request: FastifyRequest, reply: FastifyReply): void {
  const verdict = proxy.verdict(request.ip, request.headers);
  const session = request.session;
  if (verdict.kind === 'untrusted') {
    ctx.audit(request, 'proxy-headers-ignored', { reason: 'auth proxy headers from an address that is not the proxy' });
    if (session?.via === 'proxy') request.session = undefined;
    return;
  }
  if (verdict.kind === 'none') {
    if (session?.via === 'proxy') {
      ctx.sessions.end(session);
      request.session = undefined;
    }
    return;
  }
  const { user, groups } = verdict.identity;
  if (session?.via === 'proxy' && session.user === user) {
    session.groups = groups;
    return;
  }
  const fresh = ctx.sessions.signIn(session, user, groups, 'proxy');
  request.session = fresh;
  ctx.setSession(reply, fresh);
  ctx.audit(request, 'sign-in', { via: 'auth-proxy', groups });
}
