import { describe, expect, it } from 'vitest';
import { usePlatform } from '../support/platform.js';
import { buildBaseImages, imageConfig } from './base-images-support.js';

/**
 * `make base-images` (scripts/build-base-images.mjs) against a real registry with htpasswd and
 * real buildah: the busybox base, which needs no Debian download (the presets suite builds a
 * Debian one, base-python).
 */
describe('base images', () => {
  const platform = usePlatform('base-images', ['registry']);

  it('builds base-busybox into <registry>/<project>/base-<name>:1, user 10001 with HOME /home/app', async () => {
    const res = await buildBaseImages(platform(), ['busybox']);
    expect(res.code, res.output).toBe(0);
    expect(res.output).toContain(`${platform().registry.host}/microservices/base-busybox:1 built and pushed`);
    const image = await imageConfig(platform(), 'microservices/base-busybox', '1');
    expect(image.config.User).toBe('10001:10001');
    expect(image.config.WorkingDir).toBe('/home/app');
    expect(image.config.Env).toContain('HOME=/home/app');
  });

  it('skips a tag that is in the registry (idempotent)', async () => {
    const res = await buildBaseImages(platform(), ['busybox']);
    expect(res.code, res.output).toBe(0);
    expect(res.output).toMatch(/base-busybox:1 is in the registry \(sha256:[0-9a-f]{64}\): skipped/);
    expect(res.output).not.toContain('built and pushed');
  });

  it('fails closed when the registry refuses the credentials: nothing built', async () => {
    const res = await buildBaseImages(platform(), ['busybox'], { SLIPWAY_REGISTRY_PASSWORD: 'wrong' });
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/^error: .*401/m);
    expect(res.output).not.toContain('built and pushed');
  });

  it('names the images it knows when asked for another', async () => {
    const res = await buildBaseImages(platform(), ['ruby']);
    expect(res.code).toBe(1);
    expect(res.output).toContain('error: no base image "ruby" (images: busybox, java, node, python, go-static');
  });
});
