import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { buildctlArgs, buildkitdArgs, buildkitdConfig, metadataDigest } from './buildkit-args.js';

const req = {
  address: 'unix:///tmp/b/buildkitd.sock',
  context: '/tmp/b/src',
  dockerfileDir: '/tmp/b',
  dockerfileName: 'Dockerfile.preset',
  image: '127.0.0.1:5000/microservices/orders:1.0',
  labels: { 'org.opencontainers.image.revision': 'abc', 'org.opencontainers.image.source': 'ssh://git@h/o, "x"' },
  insecure: true,
  cacheRef: '127.0.0.1:5000/microservices/orders/buildcache:buildkit',
  metadataFile: '/tmp/b/metadata.json',
};

describe('buildctl argv', () => {
  it('dockerfile frontend, labels as --opt, pushed by the build, digest in the metadata file', () => {
    expect(buildctlArgs(req)).toEqual([
      '--addr',
      'unix:///tmp/b/buildkitd.sock',
      'build',
      '--progress=plain',
      '--frontend=dockerfile.v0',
      '--local',
      'context=/tmp/b/src',
      '--local',
      'dockerfile=/tmp/b',
      '--opt',
      'filename=Dockerfile.preset',
      '--opt',
      'label:org.opencontainers.image.revision=abc',
      '--opt',
      'label:org.opencontainers.image.source=ssh://git@h/o, "x"',
      '--output',
      'type=image,name=127.0.0.1:5000/microservices/orders:1.0,push=true,registry.insecure=true',
      '--import-cache',
      'type=registry,ref=127.0.0.1:5000/microservices/orders/buildcache:buildkit,registry.insecure=true',
      '--export-cache',
      'type=registry,ref=127.0.0.1:5000/microservices/orders/buildcache:buildkit,mode=max,registry.insecure=true',
      '--metadata-file',
      '/tmp/b/metadata.json',
    ]);
  });
  it('a TLS registry and no cache: no insecure attribute, no cache flags', () => {
    const { cacheRef: _, ...noCache } = req;
    const args = buildctlArgs({ ...noCache, insecure: false });
    expect(args).toContain('type=image,name=127.0.0.1:5000/microservices/orders:1.0,push=true');
    expect(args.join(' ')).not.toMatch(/insecure|cache/);
  });
  it('a reference --output cannot carry is refused as input', () => {
    expect(() => buildctlArgs({ ...req, image: 'h/p/a,push=false:1' })).toThrow(InputError);
  });
});

describe('buildkitd', () => {
  it('argv: OCI worker with the given runc, native snapshotter, its own root and socket', () => {
    expect(
      buildkitdArgs({ root: '/r', address: 'unix:///r/s.sock', runc: '/usr/sbin/runc', config: '/r/c.toml' }),
    ).toEqual([
      '--root',
      '/r',
      '--addr',
      'unix:///r/s.sock',
      '--config',
      '/r/c.toml',
      '--oci-worker=true',
      '--containerd-worker=false',
      '--oci-worker-snapshotter=native',
      '--oci-worker-binary',
      '/usr/sbin/runc',
    ]);
  });
  it('config: plain-HTTP registries', () => {
    expect(buildkitdConfig(['127.0.0.1:5000'])).toBe('[registry."127.0.0.1:5000"]\n  http = true\n  insecure = true\n');
  });
  it('metadata digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(metadataDigest({ 'containerimage.digest': digest })).toBe(digest);
    expect(metadataDigest({ 'containerimage.digest': 'sha256:x' })).toBeUndefined();
    expect(metadataDigest(null)).toBeUndefined();
  });
});
