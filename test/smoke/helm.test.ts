import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from '@slipway/clients';
import { toolPath } from '@slipway/dev-platform';

describe('helm from the tools cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-helm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports its pinned version and renders a chart with values', async () => {
    const helm = toolPath('helm');
    expect((await run(helm, ['version', '--short'])).stdout).toMatch(/^v3\.21\.4/);
    mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
    writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: smoke\nversion: 0.1.0\n');
    writeFileSync(join(dir, 'chart', 'values.yaml'), 'greeting: hello\n');
    writeFileSync(
      join(dir, 'chart', 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n  kube: {{ .Capabilities.KubeVersion.Version | quote }}\n',
    );
    const { stdout } = await run(helm, ['template', 'payments', join(dir, 'chart'), '--set', 'greeting=hi']);
    const [cm] = parseAllDocuments(stdout).map(
      (d) => d.toJS() as { metadata: { name: string }; data: Record<string, string> },
    );
    expect(cm?.metadata.name).toBe('payments');
    expect(cm?.data['greeting']).toBe('hi');
    // the version ldflags took: helm assumes the Kubernetes minor it was built against
    expect(cm?.data['kube']).toMatch(/^v1\.3[5-9]\./);
  });
});
