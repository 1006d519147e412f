import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveTool } from '@slipway/clients';
import { slipway } from '../support/cli.js';
import { exampleCatalog } from '../support/example-catalog.js';

/** `slipway bake` on a machine without the tools cache: helm from PATH, SLIPWAY_HELM or --helm. */
describe('slipway bake finds helm as users expect', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-tool-resolution-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const catalog = exampleCatalog(join(work, 'catalog'));
  const home = join(work, 'home'); // empty: no ~/.cache/slipway/tools
  const onlyHelm = join(work, 'bin');
  const empty = join(work, 'empty');
  for (const dir of [home, onlyHelm, empty]) mkdirSync(dir);
  symlinkSync(resolveTool('helm'), join(onlyHelm, 'helm'));
  const machine = (env: NodeJS.ProcessEnv) => ({ HOME: home, SLIPWAY_TOOLS_BIN: '', SLIPWAY_HELM: '', ...env });
  // dev: its catalog is the working tree, so bake needs helm only (prod would need git too)
  const bake = ['bake', 'payments', '--stack', 'dev', '--image-tag', '1.4.2', '--catalog', catalog];

  it('takes helm from PATH', async () => {
    const r = await slipway(bake, machine({ PATH: onlyHelm }));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: Deployment');
  });

  it('takes SLIPWAY_HELM or --helm over PATH', async () => {
    const viaEnv = await slipway(bake, machine({ PATH: empty, SLIPWAY_HELM: join(onlyHelm, 'helm') }));
    expect(viaEnv.code).toBe(0);
    const viaFlag = await slipway([...bake, '--helm', join(onlyHelm, 'helm')], machine({ PATH: empty }));
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toBe(viaEnv.stdout);
  });

  it('says where it looked when helm is nowhere (exit 1), and refuses a wrong --helm (exit 2)', async () => {
    const missing = await slipway(bake, machine({ PATH: empty }));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('helm not found');
    expect(missing.stderr).toContain(`PATH (${empty})`);
    expect(missing.stderr).toContain(join(home, '.cache', 'slipway', 'tools', 'current', 'bin'));
    expect(missing.stderr).toContain('SLIPWAY_HELM');
    expect(missing.stderr).not.toContain('    at ');
    const wrong = await slipway([...bake, '--helm', join(empty, 'helm')], machine({ PATH: onlyHelm }));
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`--helm=${join(empty, 'helm')}`);
  });
});
