import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderDevEnv, renderShellExports } from './dev.js';

describe('slipway dev env (output)', () => {
  it('prints exports a POSIX shell reads back verbatim, quotes and all', () => {
    const value = `/tmp/it's here/$HOME "x" \\n`;
    const exports = renderShellExports([
      ['A', value],
      ['B', 'plain'],
    ]);
    expect(exports.split('\n')[1]).toBe(`export B='plain'`);
    const read = execFileSync('sh', ['-c', `${exports}\nprintf '%s|%s' "$A" "$B"`], { encoding: 'utf8' });
    expect(read).toBe(`${value}|plain`);
  });

  it('names every kubeconfig context in a comment line the shell skips', () => {
    const env = renderDevEnv({ vars: [['KUBECONFIG', '/s/kubeconfig']], contexts: ['slipway-dev', 'slipway-dev-2'] });
    expect(env.split('\n')).toEqual([
      '# KUBECONFIG contexts: slipway-dev, slipway-dev-2 (current: slipway-dev)',
      "export KUBECONFIG='/s/kubeconfig'",
    ]);
    expect(execFileSync('sh', ['-c', `${env}\nprintf '%s' "$KUBECONFIG"`], { encoding: 'utf8' })).toBe('/s/kubeconfig');
  });
});
