// The local platform for a bench: its own `slipway dev up` in a temp dir, images in its registry,
// and our own watch of a Deployment (the moment it is available, kubectl's rule).
import { createHash } from 'node:crypto';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { run, slipwayBin } from './measure.mjs';

const slipway = (args) => run(process.execPath, [slipwayBin, ...args]);

/** `slipway dev up --dir dir …args`; its `dev env` exports are put into process.env and returned. */
export async function devPlatform(dir, args = []) {
  await slipway(['dev', 'up', '--dir', dir, ...args]);
  const env = Object.fromEntries(
    (await slipway(['dev', 'env', '--dir', dir])).stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('export '))
      .map((l) => /^export (\w+)='(.*)'$/.exec(l).slice(1, 3)),
  );
  Object.assign(process.env, env);
  return env;
}

/** Pushes a minimal OCI image (an empty config, no layers) through the registry's HTTP API. */
export async function pushEmptyImage(env, name, tag) {
  const base = `http://${env.SLIPWAY_REGISTRY}/v2/${name}`;
  const auth = {
    authorization: `Basic ${Buffer.from(`${env.SLIPWAY_REGISTRY_USERNAME}:${env.SLIPWAY_REGISTRY_PASSWORD}`).toString('base64')}`,
  };
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: auth });
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', `http://${env.SLIPWAY_REGISTRY}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: config,
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: config.length },
    layers: [],
  };
  const res = await fetch(`${base}/manifests/${tag}`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: JSON.stringify(manifest),
  });
  if (res.status !== 201) throw new Error(`manifest put: ${res.status} ${await res.text()}`);
}

/**
 * Watches one Deployment (KUBECONFIG's current context) for the rollout of `tag`: `updatedAt`
 * when its spec first names the tag, `availableAt` when that generation is fully rolled out and
 * available (kubectl rollout status's rule), both performance.now() times. `abort()` ends it.
 */
export async function watchRollout(namespace, name, tag, { onUpdated } = {}) {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const seen = { updatedAt: undefined, availableAt: undefined };
  const request = await new Watch(kc).watch(
    `/apis/apps/v1/namespaces/${namespace}/deployments`,
    { fieldSelector: `metadata.name=${name}` },
    (_type, d) => {
      // the image as deployed: <repo>:<tag>, or pinned <repo>:<tag>@sha256:…
      const image = d.spec.template.spec.containers[0].image.replace(/@sha256:[0-9a-f]+$/, '');
      if (!image.endsWith(`:${tag}`)) return;
      if (seen.updatedAt === undefined) {
        seen.updatedAt = performance.now();
        onUpdated?.();
      }
      const s = d.status ?? {};
      const done =
        s.observedGeneration >= d.metadata.generation &&
        s.updatedReplicas === d.spec.replicas &&
        s.replicas === s.updatedReplicas &&
        s.availableReplicas === s.updatedReplicas;
      if (done) seen.availableAt ??= performance.now();
    },
    () => {},
  );
  return { seen, abort: () => request.abort() };
}
