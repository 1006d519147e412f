import { spawn } from 'node:child_process';
import type { Platform } from '@slipway/dev-platform';

const script = new URL('../../scripts/build-base-images.mjs', import.meta.url).pathname;

/** Runs `scripts/build-base-images.mjs` (what `make base-images` runs) against the platform's registry. */
export function buildBaseImages(
  platform: Platform,
  names: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--registry', platform.registry.host, '--insecure', ...names], {
      env: {
        ...process.env,
        SLIPWAY_REGISTRY_USERNAME: platform.registry.username,
        SLIPWAY_REGISTRY_PASSWORD: platform.registry.password,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export interface ImageConfig {
  config: { User?: string; Env?: string[]; WorkingDir?: string; Cmd?: string[] };
  rootfs: { diff_ids: string[] };
}

/** The image config blob and the layer digests of `<name>:<tag>`, from the registry API. */
export async function imageConfig(platform: Platform, name: string, tag: string) {
  const { host, username, password } = platform.registry;
  const auth = { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  const manifest = (await (
    await fetch(`http://${host}/v2/${name}/manifests/${tag}`, {
      headers: {
        ...auth,
        accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      },
    })
  ).json()) as { config: { digest: string }; layers: { digest: string }[] };
  const config = (await (
    await fetch(`http://${host}/v2/${name}/blobs/${manifest.config.digest}`, { headers: auth })
  ).json()) as ImageConfig;
  return { ...config, layers: manifest.layers.map((l) => l.digest) };
}
