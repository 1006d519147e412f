import {
  createConfiguration,
  ServerConfiguration,
  type ApiConstructor,
  type ApiType,
  type KubeConfig,
} from '@kubernetes/client-node';

/** Options of the API clients slipway builds. */
export interface ApiClientOptions {
  /**
   * Abort each request that has no answer after this many ms (a stopped apiserver, a black-holed
   * address): the call fails instead of waiting forever and keeping the process alive.
   */
  timeoutMs?: number | undefined;
}

/**
 * `kc.makeApiClient(Api)`, with a request timeout when asked for: a middleware gives each request
 * its own `AbortSignal.timeout`.
 */
export function makeApiClient<T extends ApiType>(
  kc: KubeConfig,
  api: ApiConstructor<T>,
  options: ApiClientOptions = {},
): T {
  const { timeoutMs } = options;
  if (timeoutMs === undefined) return kc.makeApiClient(api);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('No active cluster!');
  return new api(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: (context) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            return Promise.resolve(context);
          },
          post: (response) => Promise.resolve(response),
        },
      ],
    }),
  );
}

/** Whether a failed call (or the KubeError made of it) was aborted by the request timeout. */
export function isRequestTimeout(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e.name === 'AbortError') return true;
  return false;
}
