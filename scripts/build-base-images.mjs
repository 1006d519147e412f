#!/usr/bin/env node
// Builds the DevOps base images (images/base/<name>/) into the registry as
// <registry>/<project>/base-<name>:<version>, from Debian's packages (mmdebstrap) since nothing can
// be pulled. Idempotent: a tag already in the registry is skipped; the rootfs tarballs are cached in
// ~/.cache/slipway/base-images/ keyed by their package list, so a rerun is fast.
//
//   node scripts/build-base-images.mjs [--registry host:port] [--project p] [--insecure] [name...]
//
// Registry and credentials default to SLIPWAY_REGISTRY / SLIPWAY_REGISTRY_USERNAME / _PASSWORD
// (`eval "$(slipway dev env)"`). Needs root (mmdebstrap --mode=root, buildah), the tools cache (buildah,
// busybox) and Debian's mmdebstrap (`apt-get install mmdebstrap`).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RegistryClient, run, writeAuthFile } from '@slipway/clients';
import { baseImageNames, baseImageRef, baseImageVersion } from '@slipway/core';
import { toolPath } from '@slipway/dev-platform';

const imagesDir = new URL('../images/base/', import.meta.url).pathname;
const suite = 'bookworm';
const mirror = process.env.SLIPWAY_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'slipway', 'base-images');
/** Bump when the way a rootfs is made changes: the cached tarballs are rebuilt. */
const recipe = 'r2';
const user = { uid: 10001, name: 'app', home: '/home/app' };
/**
 * The local CAs the build machine trusts (Debian's /usr/local/share/ca-certificates, where a
 * company's proxy CA goes), trusted by the images too; SLIPWAY_BASE_CA_DIR names another folder,
 * empty for none.
 */
const caDir = process.env.SLIPWAY_BASE_CA_DIR ?? '/usr/local/share/ca-certificates';
const localCas =
  caDir && existsSync(caDir)
    ? readdirSync(caDir)
        .filter((f) => f.endsWith('.crt') && !/\s/.test(f))
        .sort()
        .map((f) => join(caDir, f))
    : [];
/** go-static keeps only these paths of its Debian rootfs: no shell, no libc, no package manager. */
const staticPaths = ['etc/ssl/certs', 'usr/share/zoneinfo', 'etc/passwd', 'etc/group', 'home/app', 'tmp'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    registry: { type: 'string', default: process.env.SLIPWAY_REGISTRY },
    project: { type: 'string', default: 'microservices' },
    insecure: { type: 'boolean', default: false },
  },
});
if (!values.registry)
  fail('no registry: pass --registry host:port or set SLIPWAY_REGISTRY (eval "$(slipway dev env)")');
const names = positionals.length ? positionals : [...baseImageNames];
for (const n of names)
  if (!baseImageNames.includes(n)) fail(`no base image "${n}" (images: ${baseImageNames.join(', ')})`);

const registry = { host: values.registry, project: values.project };
const credentials = {
  username: process.env.SLIPWAY_REGISTRY_USERNAME,
  password: process.env.SLIPWAY_REGISTRY_PASSWORD,
};
const insecure = values.insecure || /^(127\.|localhost)/.test(registry.host);
const client = new RegistryClient({ host: registry.host, insecureHttp: insecure, ...credentials });
const buildah = toolPath('buildah');
mkdirSync(cacheDir, { recursive: true });

const work = mkdtempSync(join(tmpdir(), 'slipway-base-images-'));
chmodSync(work, 0o700);
const cleanup = () => rmSync(work, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
try {
  const authFile = writeAuthFile(work, registry.host, credentials.username === undefined ? {} : credentials);
  for (const name of names) await buildImage(name, authFile);
} catch (error) {
  cleanup();
  fail(error instanceof Error ? error.message : String(error));
}
cleanup();

async function buildImage(name, authFile) {
  const ref = baseImageRef(registry, name);
  const found = await client.manifestExists(`${registry.project}/base-${name}`, baseImageVersion);
  if (found.exists) {
    console.log(`${ref} is in the registry (${found.digest ?? 'digest unknown'}): skipped`);
    return;
  }
  const started = Date.now();
  const context = join(work, name);
  mkdirSync(context);
  copyFileSync(join(imagesDir, name, 'Dockerfile'), join(context, 'Dockerfile'));
  const tarball = await rootfs(name);
  try {
    linkSync(tarball, join(context, 'rootfs.tar'));
  } catch {
    copyFileSync(tarball, join(context, 'rootfs.tar'));
  }
  const storage = ['--storage-driver=vfs', `--root=${join(work, 'storage')}`, `--runroot=${join(work, 'run')}`];
  try {
    await run(buildah, [
      ...storage,
      'bud',
      '--isolation=chroot',
      '--quiet',
      '--timestamp=0',
      '--tag',
      ref,
      '--',
      context,
    ]);
    await run(buildah, [
      ...storage,
      'push',
      '--quiet',
      `--tls-verify=${!insecure}`,
      `--authfile=${authFile}`,
      '--',
      ref,
    ]);
  } finally {
    rmSync(join(work, 'storage'), { recursive: true, force: true });
    rmSync(context, { recursive: true, force: true });
  }
  console.log(`${ref} built and pushed (${Math.round((Date.now() - started) / 1000)} s)`);
}

/** The rootfs tarball of an image: from the cache, else made (mmdebstrap, or busybox by hand). */
async function rootfs(name) {
  const packagesFile = join(imagesDir, name, 'packages');
  const packages = existsSync(packagesFile)
    ? readFileSync(packagesFile, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [];
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        recipe,
        suite,
        mirror,
        name,
        packages,
        ca: packages.includes('ca-certificates') ? localCas.map((f) => readFileSync(f, 'utf8')) : [],
      }),
    )
    .digest('hex');
  const cached = join(cacheDir, `${name}-${key.slice(0, 16)}.tar`);
  if (existsSync(cached)) return cached;
  // per process: two runs at once (two checkouts, CI) each make their own, the rename is atomic
  const partial = cached.replace(/\.tar$/, `.${process.pid}.partial.tar`);
  rmSync(partial, { recursive: true, force: true });
  console.log(`making the ${name} rootfs (${packages.join(', ') || 'busybox'}) into ${cached}`);
  try {
    if (name === 'busybox') await busyboxRootfs(partial);
    else if (name === 'go-static') await debianRootfs(packages, partial, staticPaths);
    else await debianRootfs(packages, partial);
    renameSync(partial, cached);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return cached;
}

/** mmdebstrap minbase with the packages and the user 10001; only `keep` paths when given. */
async function debianRootfs(packages, out, keep) {
  const trust = packages.includes('ca-certificates')
    ? [
        ...localCas.map((f) => `--customize-hook=copy-in ${f} /usr/local/share/ca-certificates`),
        '--customize-hook=chroot "$1" update-ca-certificates',
      ]
    : [];
  const hooks = [
    // packages whose postinst links man pages (openjdk) need the folders path-exclude leaves out
    '--essential-hook=mkdir -p "$1"/usr/share/man/man1',
    ...trust,
    `--customize-hook=chroot "$1" useradd --uid ${user.uid} --user-group --create-home --home-dir ${user.home} --shell /usr/sbin/nologin ${user.name}`,
    '--customize-hook=rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*',
  ];
  const lean = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*'].map(
    (p) => `--dpkgopt=path-exclude=${p}`,
  );
  const env = { ...process.env, SOURCE_DATE_EPOCH: '0' };
  if (!keep) {
    await mmdebstrap([...lean, ...hooks, `--include=${packages.join(',')}`, '--', suite, out, mirror], env);
    return;
  }
  const dir = join(work, 'rootfs-dir');
  try {
    await mmdebstrap([...lean, ...hooks, `--include=${packages.join(',')}`, '--', suite, dir, mirror], env);
    await run('tar', ['--create', '--file', out, '--numeric-owner', '--mtime=@0', '-C', dir, '--', ...keep]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function mmdebstrap(args, env) {
  await run('mmdebstrap', ['--quiet', '--variant=minbase', '--mode=root', ...args], { env }).catch((error) => {
    const stderr = String(error?.stderr ?? error)
      .trim()
      .split('\n')
      .slice(-8)
      .join('\n');
    throw new Error(
      `mmdebstrap failed (is Debian's mmdebstrap installed and the mirror ${mirror} reachable?):\n${stderr}`,
    );
  });
}

/** busybox-static from the tools cache, its applets, /etc/passwd and the home of 10001. */
async function busyboxRootfs(out) {
  const dir = join(work, 'busybox-root');
  try {
    for (const d of ['bin', 'etc', 'tmp', 'home/app']) mkdirSync(join(dir, d), { recursive: true });
    copyFileSync(toolPath('busybox'), join(dir, 'bin', 'busybox'));
    chmodSync(join(dir, 'bin', 'busybox'), 0o755);
    for (const applet of [
      'sh',
      'cat',
      'echo',
      'ls',
      'mkdir',
      'cp',
      'rm',
      'sleep',
      'true',
      'false',
      'id',
      'env',
      'wget',
    ])
      symlinkSync('busybox', join(dir, 'bin', applet));
    writeFileSync(
      join(dir, 'etc', 'passwd'),
      `root:x:0:0:root:/root:/bin/sh\napp:x:${user.uid}:${user.uid}::${user.home}:/bin/sh\n`,
    );
    writeFileSync(join(dir, 'etc', 'group'), `root:x:0:\napp:x:${user.uid}:\n`);
    chmodSync(join(dir, 'tmp'), 0o1777);
    chownSync(join(dir, 'home', 'app'), user.uid, user.uid);
    await run('tar', ['--create', '--file', out, '--numeric-owner', '--mtime=@0', '-C', dir, '--', '.']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}
