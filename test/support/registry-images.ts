import { createHash } from 'node:crypto';

/**
 * Pushes a minimal OCI image (an empty config, no layers) under a tag through the registry's
 * HTTP API with Basic auth: enough for the deploy's "image exists" check, and fast. `labels` go
 * into the config (`config.Labels`), as a build's would (`imageBuiltFrom`).
 */
export async function pushEmptyImage(
  registry: { host: string; username: string; password: string },
  name: string,
  tag: string,
  labels?: Record<string, string>,
): Promise<void> {
  const base = `http://${registry.host}/v2/${name}`;
  const auth = {
    authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
  };
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      ...(labels ? { config: { Labels: labels } } : {}),
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const digest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: auth });
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', `http://${registry.host}`);
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

/** The labels `slipway build` gives an image built from `branch` at `revision`. */
export const imageBuiltFrom = (branch: string, revision = 'a'.repeat(40)) => ({
  'org.opencontainers.image.source': 'git@git.local:shop/orders.git',
  'org.opencontainers.image.revision': revision,
  'dev.slipway.source-branch': branch,
});
