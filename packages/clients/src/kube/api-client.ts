import {
  createConfiguration,
  ServerConfiguration,
  type ApiConstructor,
  type ApiType,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import { sharedAgentFor } from './shared-agent.js';

/** Options of the API clients slipway builds. */
export interface ApiClientOptions {
  /**
   * Abort each request that has no answer after this many ms (a stopped apiserver, a black-holed
   * address): the call fails instead of waiting forever and keeping the process alive.
   */
  timeoutMs?: number | undefined;
  /**
   * Reuse connections, at most this many at once (keep-alive). Without it client-node makes a new
   * https.Agent for every request: one TLS handshake per call, which bounds a controller's write
   * rate and churns native memory.
   */
  keepAlive?: number | undefined;
}

/**
 * `kc.makeApiClient(Api)`, with a request timeout when asked for (a middleware gives each request
 * its own `AbortSignal.timeout`) and kept-alive connections when asked for.
 */
export function makeApiClient<T extends ApiType>(
  kc: KubeConfig,
  api: ApiConstructor<T>,
  options: ApiClientOptions = {},
): T {
  const { timeoutMs, keepAlive } = options;
  if (timeoutMs === undefined && keepAlive === undefined) return kc.makeApiClient(api);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: keepAlive === undefined ? kc : keepAliveAuthentication(kc, keepAlive) },
      ...(timeoutMs === undefined
        ? {}
        : {
            promiseMiddleware: [
              {
                pre: (context: RequestContext) => {
                  context.setSignal(AbortSignal.timeout(timeoutMs));
                  return Promise.resolve(context);
                },
                post: (response) => Promise.resolve(response),
              },
            ],
          }),
    }),
  );
}

/**
 * The kubeconfig's authentication (headers, rotated token files, exec plugins: all as client-node
 * does them), with client-node's fresh per-request https.Agent swapped for the shared kept-alive
 * one of the same TLS options and at most `maxSockets` connections (see `sharedAgentFor`).
 */
export function keepAliveAuthentication(kc: KubeConfig, maxSockets: number): SecurityAuthentication {
  return {
    getName: () => 'kubeconfig-keep-alive',
    applySecurityAuthentication: async (context: RequestContext) => {
      await kc.applySecurityAuthentication(context);
      const shared = sharedAgentFor(context.getAgent(), maxSockets);
      if (shared) context.setAgent(shared);
    },
  };
}

/** Whether a failed call (or the KubeError made of it) was aborted by the request timeout. */
export function isRequestTimeout(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e.name === 'AbortError') return true;
  return false;
}
