import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitIn } from '../support/example-catalog.js';
import { expectRefused, Workspace } from './support.js';

/**
 * A strict stack bakes the catalog of a commit of master, exported to a private temp folder: the
 * commit is as untrusted as a working tree (links, sizes), and the export never outlives the command.
 * Each case commits something hostile on master, then checks out a clean branch from before it,
 * so that only the commit carries it.
 */
describe('hostile catalog commits', () => {
  let ws: Workspace;
  let tmp: string;
  const git = (...args: string[]) => gitIn(ws.catalog, ...args);
  beforeEach(() => {
    ws = new Workspace();
    tmp = join(ws.dir, 'tmp');
    mkdirSync(tmp);
    git('branch', 'clean');
  });
  afterEach(() => ws.cleanup());
  const onMaster = (change: () => void) => {
    change();
    ws.commit('hostile');
    git('checkout', '--quiet', 'clean');
  };
  const bake = (...args: string[]) => [
    'bake',
    'orders',
    '--stack',
    'prod',
    '--image-tag',
    '1.0.0',
    '--catalog',
    'cat',
    ...args,
  ];
  const run = (args: string[]) => ws.run(args, { TMPDIR: tmp });

  it("bakes master's commit from a clean branch, leaving no temp folder behind", async () => {
    onMaster(() => ws.edit('services/orders/values-prod.yaml', (t) => `${t}image: { tag: 7.7.7 }\n`));
    const r = await run(['bake', 'orders', '--stack', 'prod', '--catalog', 'cat']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('microservices/orders:7.7.7');
    expect(readdirSync(tmp)).toEqual([]);
    // a commit of master, abbreviated, bakes its own values; one off master is refused on prod
    const older = git('rev-parse', '--short=10', 'master~1');
    const pinned = await run(bake('--values-ref', older));
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stdout).toContain('microservices/orders:1.0.0');
    git('commit', '--quiet', '--allow-empty', '--message', 'off master');
    const off = await run(bake('--values-ref', git('rev-parse', 'HEAD')));
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(
      /--values-ref [0-9a-f]{40} is not on master, and the strict stack prod takes its values from master only/,
    );
  });

  it("keeps master's rules when the working tree or a feature branch relaxes prod", async () => {
    const relax = () => {
      ws.edit('slipway.yaml', (t) =>
        t.replace(
          'prod: { branches: [master], strict: true, podSecurity: restricted }',
          "prod: { branches: ['*'], strict: false, podSecurity: restricted }",
        ),
      );
      ws.edit('services/orders/values-prod.yaml', (t) => t.replace('node-pool: prod', 'node-pool: relaxed'));
    };
    git('checkout', '--quiet', '-b', 'feature/relax');
    relax();
    expect(readFileSync(ws.path('slipway.yaml'), 'utf8')).toContain('strict: false');
    ws.commit('relax prod'); // on feature/relax, master keeps its strict prod
    const bakes = async (...args: string[]) => {
      const r = await run(bake(...args));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('node-pool: prod');
      expect(r.stdout).not.toContain('relaxed');
    };
    // committed on the checked-out branch, then also edited in the working tree: master's values
    await bakes();
    ws.edit('services/orders/values-prod.yaml', (t) => t.replace('node-pool: relaxed', 'node-pool: relaxed-local'));
    await bakes();
    // the feature branch's own slipway.yaml allows it; master's does not
    await expectRefused(ws, bake('--values-branch', 'feature/relax'), {
      message: /the values branch feature\/relax may not deploy to prod \(allowed: master\)/,
    });
  });

  it('refuses a link out of the catalog in the commit, named as git names it', async () => {
    onMaster(() => {
      ws.remove('services/orders/values-prod.yaml');
      symlinkSync('/etc/passwd', ws.path('services/orders/values-prod.yaml'));
    });
    const r = await run(bake());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /master:services\/orders\/values-prod\.yaml:1:1: is a symlink that leads out of the catalog/,
    );
    expect(r.stderr).not.toMatch(/root:x:0/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a file over 1 MiB in the commit', async () => {
    onMaster(() => writeFileSync(ws.path('services/orders/values-qa.yaml'), `# ${'x'.repeat(1024 * 1024)}\n`));
    const r = await run(bake());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/master:services\/orders\/values-qa\.yaml:1:1: is larger than 1 MiB/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses values refs that are not a branch name or a commit id before git sees them', async () => {
    await expectRefused(ws, bake('--values-branch', '--upload-pack=touch x'), {
      message: /--values-branch "--upload-pack=touch x" is not a plain branch name/,
    });
    await expectRefused(ws, bake('--values-ref', 'HEAD~1'), {
      message: /--values-ref "HEAD~1" is not a commit id/,
    });
    await expectRefused(ws, bake('--values-branch', 'clean'), {
      message: /the values branch clean may not deploy to prod \(allowed: master\)/,
    });
  });
});
