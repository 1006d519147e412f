// bench/build: `slipway build` against what a user would otherwise run on the same local platform
// (registry with htpasswd, OpenBao with the deploy key, sshd + git, buildah), in one run:
// 1. the skip path (tag present) vs. `skopeo inspect --raw` of the same tag;
// 2. a cold full build of the orders example vs. the raw script (shallow clone over SSH with the
//    deploy key, `buildah bud`, `buildah push`), same Dockerfile, fresh storage each, interleaved;
//    slipway's phases are timed from its progress lines;
// 3. the maven preset cache: second build after a source-only change vs. the first (empty build
//    cache dir), the dependency step's reuse read from the builder's output.
// Both sides use the storage driver slipway picks on this machine (overlay where it can mount it,
// else vfs; SLIPWAY_BUILDAH_DRIVER forces one). BASELINE=<file> keeps an earlier result beside this one.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { VaultClient, overlayProbe } from '@slipway/clients';
import { chooseStorageDriver } from '@slipway/core';
import { startPlatform, stopPlatform } from '@slipway/dev-platform';
import { compare, median, repoRoot, run, slipwayBin, time, toolsBin, writeResult } from '../lib/measure.mjs';
import { writePlatformCatalog } from '../lib/catalog.mjs';

const reps = Number(process.env.REPS ?? 5);
const skipReps = Number(process.env.SKIP_REPS ?? 11);
const loadAtStart = loadavg().map((l) => Number(l.toFixed(2)));
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-build-'));
const buildah = `${toolsBin}/buildah`;
const skopeo = `${toolsBin}/skopeo`;
const driver = chooseStorageDriver(process.env.SLIPWAY_BUILDAH_DRIVER, () => overlayProbe([work]));
const baseline = process.env.BASELINE ? JSON.parse(readFileSync(process.env.BASELINE, 'utf8')) : undefined;

console.log('starting the local platform (registry, OpenBao, git) …');
const platform = await startPlatform({ dir: join(work, 'platform'), pieces: ['registry', 'vault', 'git'] });
try {
  const { host, username, password } = platform.registry;
  const authFile = join(work, 'auth.json');
  writeFileSync(
    authFile,
    JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }),
    { mode: 0o600 },
  );
  const base = `${host}/base/busybox:1`;
  await pushBase(base, authFile);
  const approle = await deployKeyAppRole();

  // the orders example, its Dockerfile FROM the busybox base (the runtime bases are not built here)
  const orders = join(repoRoot, 'examples/services/orders');
  const dockerfile = readFileSync(join(orders, 'Dockerfile'), 'utf8').replace(/^ARG BASE=.*$/m, `ARG BASE=${base}`);
  const sources = {
    Dockerfile: dockerfile,
    'package.json': readFileSync(join(orders, 'package.json'), 'utf8'),
    'server.js': readFileSync(join(orders, 'server.js'), 'utf8'),
  };
  // one repository (with its deploy key) and one image name per run: every build is cold, also
  // slipway's registry layer cache (<image>/buildcache)
  const names = ['skip', ...Array.from({ length: reps }, (_, i) => `orders-${i + 1}`)];
  const keys = {};
  for (const name of names) keys[name] = await hostRepo(name, sources);
  const catalog = writeCatalog(names);

  const slipwayEnv = {
    SLIPWAY_REGISTRY_USERNAME: username,
    SLIPWAY_REGISTRY_PASSWORD: password,
    SLIPWAY_VAULT_ROLE_ID: approle.roleId,
    SLIPWAY_VAULT_SECRET_ID: approle.secretId,
    VAULT_TOKEN: '',
    VAULT_ADDR: '',
  };
  const slipwayBuild = (name, tag, env = {}) => timedBuild(name, tag, catalog, { ...slipwayEnv, ...env });

  // 1. skip path: the tag exists
  console.log('skip path …');
  await slipwayBuild('skip', '1.0.0');
  const skipRef = `docker://${host}/microservices/skip:1.0.0`;
  const skip = await compare(
    {
      slipway: async () => {
        const r = await slipwayBuild('skip', '1.0.0');
        if (!r.skipped) throw new Error('slipway build did not skip an existing tag');
      },
      ...withoutExtraCaCerts(async (env) => {
        if (!(await slipwayBuild('skip', '1.0.0', env)).skipped) throw new Error('slipway build did not skip');
      }),
      skopeoInspect: () => run(skopeo, ['inspect', '--raw', '--tls-verify=false', `--authfile=${authFile}`, skipRef]),
    },
    skipReps,
  );

  // 2. cold full builds, interleaved
  console.log('full builds …');
  let rep = 0;
  const phases = [];
  const full = await compare(
    {
      slipway: async () => {
        const r = await slipwayBuild(names[rep + 1], '1.0.0');
        if (r.skipped) throw new Error('a cold build was skipped');
        phases.push(r.phases);
      },
      ...withoutExtraCaCerts(async (env) => {
        if ((await slipwayBuild(names[rep + 1], '1.0.1', env)).skipped) throw new Error('a cold build was skipped');
      }),
      rawScript: () => rawBuild(names[rep + 1], keys[names[rep + 1]], authFile),
      rawScriptWithLayerCache: async () => {
        await rawBuild(names[rep + 1], keys[names[rep + 1]], authFile, true);
        rep++;
      },
    },
    reps,
  );
  const phaseMedians = Object.fromEntries(
    Object.keys(phases[0]).map((p) => [p, Math.round(median(phases.map((x) => x[p])))]),
  );

  console.log('preset cache (base-java and base-maven first) …');
  const presetCache = await measurePresetCache(slipwayBuild).catch((error) => ({
    notMeasured: `the run failed: ${String(error.message ?? error).slice(0, 600)}`,
  }));
  const result = {
    what: `slipway build vs. what a user would run, on one local platform (distribution with htpasswd, OpenBao with AppRole and the deploy key in KV v2, sshd + git, buildah ${driver} storage + chroot isolation), one run`,
    storageDriver: driver,
    loadAtStart,
    loadAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
    skipPath: {
      how: `slipway build of a tag in the registry (no Vault, no clone) vs. skopeo inspect --raw of the same tag; slipwayWithoutExtraCaCerts: the same with NODE_EXTRA_CA_CERTS unset (this machine sets it; Node parses it at every start); median of ${skipReps}, interleaved`,
      ...skip,
      ratio: ratio(skip.slipway, skip.skopeoInspect),
      ...(skip.slipwayWithoutExtraCaCerts
        ? { ratioWithoutExtraCaCerts: ratio(skip.slipwayWithoutExtraCaCerts, skip.skopeoInspect) }
        : {}),
    },
    fullBuild: {
      how: `the orders example (its Dockerfile with BASE = a busybox base in the registry); slipway build (AppRole login, key from KV v2, clone, bud in one commit: no RUN step, so no layer cache; base image from the build cache dir, push, storage removed; slipwayWithoutExtraCaCerts: the same with NODE_EXTRA_CA_CERTS unset, a second tag of the same image) vs. the raw script (git clone --depth 1 over SSH with the key, buildah bud, buildah push, storage removed); fresh storage and a new image name per run for both; median of ${reps}, interleaved`,
      ...full,
      ratio: ratio(full.slipway, full.rawScript),
      ...(full.slipwayWithoutExtraCaCerts
        ? { ratioWithoutExtraCaCerts: ratio(full.slipwayWithoutExtraCaCerts, full.rawScript) }
        : {}),
      ratioVsRawWithLayerCache: ratio(full.slipway, full.rawScriptWithLayerCache),
      slipwayPhasesMedianMs: phaseMedians,
      slipwayPhasesMs: phases,
    },
    presetCache,
    targets: { fullBuild: '≤ 1.05× the raw script', presetCache: '≥ 3× faster second build' },
    ...(baseline ? { baseline } : {}),
  };
  console.log(
    JSON.stringify(
      {
        skip: result.skipPath.ratio,
        full: result.fullBuild.ratio,
        fullWithoutExtraCaCerts: result.fullBuild.ratioWithoutExtraCaCerts,
        phases: phaseMedians,
        preset: presetCache.speedup ?? presetCache.notMeasured,
      },
      null,
      2,
    ),
  );
  writeResult('build', result);
} finally {
  if (process.env.KEEP) console.log(`platform kept in ${work}`);
  else {
    await stopPlatform(join(work, 'platform')).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The maven preset's layer cache: the payments example without its Dockerfile (the preset writes
 * one: dependency-first step), a first build into an empty registry cache, then a commit that
 * changes only App.java and a second build (new tag). Needs the base-java and base-maven images,
 * built here by scripts/build-base-images.mjs (from its rootfs cache when warm, else from Debian)
 * and Maven Central for the dependencies.
 */
async function measurePresetCache(slipwayBuild) {
  if (process.env.PRESET === '0') return { notMeasured: 'PRESET=0' };
  const t0 = performance.now();
  await run(
    process.execPath,
    [
      join(repoRoot, 'scripts/build-base-images.mjs'),
      '--registry',
      platform.registry.host,
      '--insecure',
      'java',
      'maven',
    ],
    {
      env: {
        SLIPWAY_REGISTRY_USERNAME: platform.registry.username,
        SLIPWAY_REGISTRY_PASSWORD: platform.registry.password,
      },
    },
  );
  const baseImagesMs = Math.round(performance.now() - t0);
  const payments = join(repoRoot, 'examples/services/payments');
  const app = 'src/main/java/shop/payments/App.java';
  const source = readFileSync(join(payments, app), 'utf8');
  await hostRepo('payments', { 'pom.xml': readFileSync(join(payments, 'pom.xml'), 'utf8'), [app]: source });
  addService(join(work, 'catalog'), 'payments', 'maven');
  // a build cache dir of its own, empty before the first build (base images and cache mounts)
  const env = { SLIPWAY_BUILD_CACHE: join(work, 'preset-build-cache') };
  const builds = [];
  const first = await time(async () => builds.push(await slipwayBuild('payments', '1.0.0', env)));
  await pushCommit('payments', { [app]: `${source}\n// a source-only change\n` });
  const second = await time(async () => builds.push(await slipwayBuild('payments', '1.0.1', env)));
  // the builder's own output: the dependency step of the second build reused, the package step run
  const after = (lines, step) => lines[lines.findIndex((l) => step.test(l)) + 1] ?? '';
  const reused = (lines) =>
    /Using cache|Cache pulled from remote/.test(after(lines, /STEP \d+\/\d+: RUN .*go-offline/));
  return {
    how: `slipway build of the payments example with build.preset maven (no Dockerfile in the repository): first build with an empty build cache dir and layer cache, then after a commit changing only App.java (new tag); each with fresh buildah storage (${driver}), the dependency layer from the registry cache <image>/buildcache, the maven repository's cache mount from the build cache dir`,
    firstBuildMs: Math.round(first),
    secondBuildMs: Math.round(second),
    speedup: Number((first / second).toFixed(2)),
    dependencyStepReused: { first: reused(builds[0].lines), second: reused(builds[1].lines) },
    phasesMs: { first: builds[0].phases, second: builds[1].phases },
    baseImagesMs,
  };
}

/** A new commit on a hosted repository's master, as a developer's push would add it. */
async function pushCommit(repo, files) {
  const dir = mkdtempSync(join(work, 'push-'));
  const git = (...args) => run('git', ['-C', dir, ...args]);
  await run('git', ['clone', '--quiet', '--', join(platform.paths.gitRoot, `${repo}.git`), dir]);
  for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
  await git('add', '-A');
  await git('-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '--quiet', '-m', 'change');
  await git('push', '--quiet', 'origin', 'master');
  rmSync(dir, { recursive: true, force: true });
}

/**
 * This machine sets NODE_EXTRA_CA_CERTS (the system bundle), which Node 20 parses at every start
 * (`node -e 0` ~130 ms with it, ~50 ms without, here; before any of slipway's code runs): where it is set, slipway runs once more without
 * it, as on an agent that does not set it.
 */
function withoutExtraCaCerts(fn) {
  return process.env.NODE_EXTRA_CA_CERTS
    ? { slipwayWithoutExtraCaCerts: () => fn({ NODE_EXTRA_CA_CERTS: undefined }) }
    : {};
}

function ratio(a, b) {
  return Number((a.medianMs / b.medianMs).toFixed(2));
}

/** The busybox base image, built from a local rootfs and pushed (nothing is pulled here). */
async function pushBase(reference, auth) {
  const context = join(work, 'base');
  mkdirSync(join(context, 'rootfs/bin'), { recursive: true });
  copyFileSync(`${toolsBin}/busybox`, join(context, 'rootfs/bin/busybox'));
  for (const tool of ['sh', 'cat', 'echo', 'ls']) symlinkSync('busybox', join(context, 'rootfs/bin', tool));
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/bin\nWORKDIR /home/app\n');
  const storage = storageFlags(join(work, 'base-storage'), 'vfs');
  await run(buildah, [...storage, 'bud', '--isolation=chroot', '--quiet', '-t', reference, context]);
  await run(buildah, [...storage, 'push', '--quiet', '--tls-verify=false', `--authfile=${auth}`, reference]);
  rmSync(join(work, 'base-storage'), { recursive: true, force: true });
}

function storageFlags(dir, storageDriver = driver) {
  return [`--storage-driver=${storageDriver}`, `--root=${dir}/storage`, `--runroot=${dir}/run`];
}

function rootVault() {
  return new VaultClient({ address: platform.vault.address, token: platform.vault.rootToken });
}

/** A repository on the platform's git server, its deploy key in Vault; returns the key's file (in work). */
async function hostRepo(name, files) {
  await platform.git.addRepo(name, files);
  const key = await platform.git.addDeployKey(name);
  const privateKey = readFileSync(key.privateKeyPath, 'utf8');
  rmSync(join(key.privateKeyPath, '..'), { recursive: true, force: true });
  await rootVault().kvPut('secret', `deploy-keys/${name}`, { private_key: privateKey });
  mkdirSync(join(work, 'keys'), { recursive: true, mode: 0o700 });
  writeFileSync(join(work, 'keys', name), privateKey, { mode: 0o600 });
  return join(work, 'keys', name);
}

/** The AppRole a build job logs in with: may read the deploy keys. */
async function deployKeyAppRole() {
  const vault = rootVault();
  await vault.request('PUT', 'sys/policy/build', {
    policy: 'path "secret/data/deploy-keys/*" { capabilities = ["read"] }',
  });
  await vault.request('POST', 'sys/auth/approle', { type: 'approle' });
  await vault.request('POST', 'auth/approle/role/build', { token_policies: ['build'], token_ttl: '10m' });
  const role = await vault.request('GET', 'auth/approle/role/build/role-id');
  const secret = await vault.request('POST', 'auth/approle/role/build/secret-id', {});
  return { roleId: role.data.role_id, secretId: secret.data.secret_id };
}

function writeCatalog(services) {
  const dir = join(work, 'catalog');
  writePlatformCatalog(dir, platform.registry.host, {
    vault: {
      address: platform.vault.address,
      auth: { method: 'approle' },
      deployKeys: { mount: 'secret', path: 'deploy-keys/{service}' },
    },
    build: { knownHosts: readFileSync(platform.git.knownHostsPath, 'utf8') },
    stacks: { dev: { cluster: 'local', branches: ['*'] } },
    clusters: { local: {} },
  });
  for (const name of services) addService(dir, name, 'node');
  return dir;
}

function addService(catalog, name, preset) {
  mkdirSync(join(catalog, 'services', name), { recursive: true });
  writeFileSync(
    join(catalog, 'services', name, 'service.yaml'),
    stringify({
      apiVersion: 'slipway.dev/v1',
      kind: 'Service',
      name,
      team: 'bench',
      namespace: name,
      repository: platform.git.url(name),
      image: name,
      build: { preset },
      stacks: ['dev'],
    }),
  );
  writeFileSync(
    join(catalog, 'services', name, 'values.yaml'),
    stringify({ resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '32Mi' } } }),
  );
}

/**
 * `slipway build` with a private TMPDIR; its progress lines (stderr) are timestamped to split the
 * wall time into phases: start + registry check, Vault (login, key, revoke), clone, build, push,
 * cleanup (rmi, storage removal, exit).
 */
async function timedBuild(name, tag, catalog, env) {
  const tmp = mkdtempSync(join(work, 'tmp-'));
  const cwd = mkdtempSync(join(work, 'cwd-'));
  try {
    const t0 = performance.now();
    const child = spawn(process.execPath, [slipwayBin, 'build', name, '--image-tag', tag, '--catalog', catalog], {
      cwd,
      env: { ...process.env, ...env, TMPDIR: tmp },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const marks = {};
    const lines = [];
    const exited = new Promise((resolve) => child.on('close', resolve));
    for await (const line of createInterface({ input: child.stderr })) {
      lines.push(line);
      const at = performance.now() - t0;
      if (!line.startsWith('• ')) continue; // the builder's own output
      if (/build skipped$/.test(line)) marks.skipped = at;
      else if (/is not in the registry: building$/.test(line)) marks.checked ??= at;
      else if (/^• cloning .* \(branch /.test(line)) marks.vault ??= at;
      else if (/^• building .* from [0-9a-f]{12}( \(.*\))?$/.test(line)) marks.cloned ??= at;
      else if (/^• pushing /.test(line)) marks.built ??= at;
      else if (/^• pushed .*@sha256:/.test(line)) marks.pushed ??= at;
    }
    const code = await exited;
    const end = performance.now() - t0;
    if (code !== 0) throw new Error(`slipway build ${name} exited ${code}:\n${lines.slice(-20).join('\n')}`);
    if (marks.skipped !== undefined) return { skipped: true };
    for (const m of ['checked', 'vault', 'cloned', 'built', 'pushed'])
      if (marks[m] === undefined) throw new Error(`no "${m}" progress line from slipway build:\n${lines.join('\n')}`);
    return {
      skipped: false,
      lines,
      phases: {
        startAndRegistryCheck: Math.round(marks.checked),
        vault: Math.round(marks.vault - marks.checked),
        clone: Math.round(marks.cloned - marks.vault),
        build: Math.round(marks.built - marks.cloned),
        push: Math.round(marks.pushed - marks.built),
        cleanupAndExit: Math.round(end - marks.pushed),
      },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * The raw script: shallow clone over SSH with the key, buildah bud, buildah push, storage removed
 * (the same storage driver as slipway's);
 * with layerCache, bud as slipway runs it (`--layers`, `--cache-from`/`--cache-to` a registry cache).
 */
async function rawBuild(name, keyPath, auth, layerCache = false) {
  const dir = mkdtempSync(join(work, 'raw-'));
  try {
    await run(
      'git',
      ['clone', '--quiet', '--depth', '1', '--branch', 'master', '--', platform.git.url(name), `${dir}/src`],
      {
        env: { GIT_SSH_COMMAND: platform.git.sshCommand(keyPath) },
      },
    );
    const storage = storageFlags(dir);
    const image = `${platform.registry.host}/microservices/${name}-${layerCache ? 'rawcache' : 'raw'}`;
    const reference = `${image}:1.0.0`;
    const cache = `${image}/buildcache`;
    await run(buildah, [
      ...storage,
      'bud',
      '--quiet',
      ...(layerCache ? ['--layers', `--cache-from=${cache}`, `--cache-to=${cache}`] : []),
      '--isolation=chroot',
      `--tls-verify=false`,
      `--authfile=${auth}`,
      '-t',
      reference,
      `${dir}/src`,
    ]);
    await run(buildah, [...storage, 'push', '--quiet', '--tls-verify=false', `--authfile=${auth}`, reference]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
