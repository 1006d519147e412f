import { describe, expect, it } from 'vitest';
import { helmTemplate } from './helm.js';
import type { Runner, RunOptions } from './process.js';

/** A Runner (our own seam) that records each call and answers with what the caller scripted. */
function recordingRunner(stdout: string) {
  const calls: { command: string; args: readonly string[]; options: RunOptions | undefined }[] = [];
  const runner: Runner = (command, args, options) => {
    calls.push({ command, args, options });
    return Promise.resolve({ stdout, stderr: '' });
  };
  return { runner, calls };
}

describe('helmTemplate', () => {
  it('runs helm template with the values as JSON on stdin and release and chart after --', async () => {
    const { runner, calls } = recordingRunner('kind: Service\n');
    const values = { image: { tag: 'no' }, config: { data: { MODE: 'Off', N: '0b101' } } };
    const out = await helmTemplate(
      '/opt/helm',
      { release: '--post-renderer=x', namespace: 'shop', chart: '/catalog/charts/workload', values },
      runner,
    );
    expect(out).toBe('kind: Service\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.command).toBe('/opt/helm');
    expect(calls[0]?.args).toEqual([
      'template',
      '--namespace',
      'shop',
      '--values',
      '-',
      '--',
      '--post-renderer=x',
      '/catalog/charts/workload',
    ]);
    // JSON keeps "no", "Off" and "0b101" strings for helm's YAML 1.1 reader
    expect(JSON.parse(calls[0]?.options?.input ?? '')).toEqual(values);
  });

  it('passes --version and --plain-http only for an oci:// chart', async () => {
    const { runner, calls } = recordingRunner('');
    const request = { release: 'web', namespace: 'web', version: '0.1.0', plainHttp: true, values: {} };
    await helmTemplate('helm', { ...request, chart: 'oci://127.0.0.1:5000/charts/workload' }, runner);
    await helmTemplate('helm', { ...request, chart: '/catalog/charts/workload' }, runner);
    expect(calls.map((c) => c.args)).toEqual([
      [
        'template',
        '--namespace',
        'web',
        '--values',
        '-',
        '--version',
        '0.1.0',
        '--plain-http',
        '--',
        'web',
        'oci://127.0.0.1:5000/charts/workload',
      ],
      ['template', '--namespace', 'web', '--values', '-', '--', 'web', '/catalog/charts/workload'],
    ]);
  });
});
