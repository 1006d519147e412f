import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helmTemplate } from '@slipway/clients';
import { toolPath } from '@slipway/dev-platform';

const charts = new URL('../../charts', import.meta.url).pathname;

describe('helm template arguments', () => {
  const work = mkdtempSync(join(tmpdir(), 'slipway-helm-args-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('never reads a release or chart that looks like a flag as one (real helm)', async () => {
    const marker = join(work, 'ran');
    const script = join(work, 'x');
    writeFileSync(script, `#!/bin/sh\ntouch '${marker}'\ncat\n`);
    chmodSync(script, 0o755);
    const values = { image: { repository: 'r', tag: '1' } };
    for (const request of [
      { release: `--post-renderer=${script}`, chart: join(charts, 'workload') },
      { release: 'web', chart: `--post-renderer=${script}` },
    ]) {
      await expect(helmTemplate(toolPath('helm'), { ...request, namespace: 'web', values })).rejects.toThrow();
      expect(existsSync(marker)).toBe(false);
    }
    // the same call renders a normal release
    const yaml = await helmTemplate(toolPath('helm'), {
      release: 'web',
      chart: join(charts, 'workload'),
      namespace: 'web',
      values,
    });
    expect(yaml).toMatch(/kind: Deployment/);
  });
});
