import { Agent as HttpsAgent, type RequestOptions } from 'node:https';
import {
  createConfiguration,
  KubeConfig,
  ServerConfiguration,
  type ApiConstructor,
  type ApiType,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

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
 * does them), with client-node's fresh per-request https.Agent swapped for one shared keep-alive
 * Agent of the same TLS options (see `agentSharer`).
 */
export function keepAliveAuthentication(kc: KubeConfig, maxSockets: number): SecurityAuthentication {
  const share = agentSharer(maxSockets);
  return {
    getName: () => 'kubeconfig-keep-alive',
    applySecurityAuthentication: async (context: RequestContext) => {
      await kc.applySecurityAuthentication(context);
      const shared = share(context.getAgent());
      if (shared) context.setAgent(shared);
    },
  };
}

/**
 * A KubeConfig whose API clients (`makeApiClient`, `KubernetesObjectApi`) and watches share
 * kept-alive connections: client-node makes a new https.Agent, so a TLS handshake, for every
 * call, which costs a deploy's dozen calls more than the calls themselves. Sockets are not capped
 * (a watch holds one for as long as it runs); idle ones do not keep the process alive.
 */
export class SharedConnectionsKubeConfig extends KubeConfig {
  readonly #share = agentSharer();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const shared = this.#share(context.getAgent());
    if (shared) context.setAgent(shared);
  }

  override async applyToFetchOptions(opts: RequestOptions): ReturnType<KubeConfig['applyToFetchOptions']> {
    const init = await super.applyToFetchOptions(opts);
    return { ...init, agent: this.#share(init.agent) ?? init.agent };
  }
}

/**
 * Swaps client-node's fresh per-request https.Agent for one kept-alive Agent of the same TLS
 * options, made anew when those change (e.g. a rotated client certificate); proxy agents and
 * anything but a plain https.Agent are left as they are (undefined).
 */
function agentSharer(maxSockets?: number): (fresh: unknown) => HttpsAgent | undefined {
  let shared: { key: string; agent: HttpsAgent } | undefined;
  return (fresh) => {
    if (!(fresh instanceof HttpsAgent) || fresh.constructor !== HttpsAgent) return undefined;
    const o = fresh.options;
    const key = [o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername].map(String).join('\0');
    if (shared?.key !== key) {
      shared?.agent.destroy();
      shared = { key, agent: new HttpsAgent({ ...o, keepAlive: true, ...(maxSockets ? { maxSockets } : {}) }) };
    }
    return shared.agent;
  };
}

/** Whether a failed call (or the KubeError made of it) was aborted by the request timeout. */
export function isRequestTimeout(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e.name === 'AbortError') return true;
  return false;
}
