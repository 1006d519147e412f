import type { KubeHttp } from './kube-http.js';

/** What discovery tells of a kind: its resource (the URL's plural) and whether it lives in namespaces. */
interface Resource {
  name: string;
  namespaced: boolean;
}

/** A kind's collection or object path, `/api/v1/namespaces/shop/configmaps[/name]`. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string | undefined;
  name?: string | undefined;
}

const discovered = new WeakMap<KubeHttp, Map<string, Promise<Map<string, Resource> | undefined>>>();

/**
 * The URL paths of kinds, found by discovery as kubectl does (`GET /api/v1`, `GET /apis/<group>/<version>`),
 * once per group version for each KubeHttp. Undefined when the server does not serve the kind (its
 * group version answers 404, e.g. a CRD not installed, or the kind is not in its list).
 */
export async function resourcePath(http: KubeHttp, ref: ObjectRef): Promise<string | undefined> {
  let groups = discovered.get(http);
  if (!groups) discovered.set(http, (groups = new Map<string, Promise<Map<string, Resource> | undefined>>()));
  const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  let kinds = groups.get(base);
  if (!kinds) {
    kinds = http.call<{ resources?: (Resource & { kind: string })[] }>(`discover ${ref.apiVersion}`, 'GET', base).then(
      (list) => new Map((list.resources ?? []).filter((r) => !r.name.includes('/')).map((r) => [r.kind, r])),
      (error: unknown) => {
        if ((error as { status?: unknown }).status === 404) return undefined;
        throw error;
      },
    );
    groups.set(base, kinds);
    kinds.catch(() => groups.delete(base)); // a failed discovery is asked again next time
  }
  const resource = (await kinds)?.get(ref.kind);
  if (!resource) return undefined;
  const namespace = resource.namespaced && ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  const name = ref.name ? `/${encodeURIComponent(ref.name)}` : '';
  return `${base}${namespace}/${resource.name}${name}`;
}
