import { createHash } from 'node:crypto';

/**
 * Pushes a minimal OCI image (an empty config, no layers) under a tag through the registry's
 * HTTP API with Basic auth: enough for the deploy's "image exists" check, and fast.
 */
export async function pushEmptyImage(
  registry: { host: string; username: string; password: string },
  name: string,
  tag: string,
): Promise<void> {
  const base = `http://${registry.host}/v2/${name}`;
  const auth = {
    authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
  };
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
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
