import { describe, expect, it } from 'vitest';
import { platformPaths, type PlatformLayout, type ToolPaths } from './layout.js';
import { portNames, type PlatformPorts } from './ports.js';
import { platformProcesses } from './process-specs.js';

const tools = new Proxy({}, { get: (_, name) => `/tools/${String(name)}` }) as ToolPaths;
const ports = Object.fromEntries(portNames.map((n, i) => [n, 20000 + i])) as unknown as PlatformPorts;
const layout: PlatformLayout = { paths: platformPaths('/state'), tools, ports };

describe('platformProcesses', () => {
  it('starts the cluster in dependency order: etcd, apiserver, then the controllers and kwok', () => {
    expect(platformProcesses(layout, ['kube']).map((p) => p.name)).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'kwok',
    ]);
  });

  it('runs only the pieces asked for', () => {
    expect(platformProcesses(layout, ['registry', 'git']).map((p) => p.name)).toEqual(['registry', 'sshd']);
    expect(platformProcesses(layout, ['vault']).map((p) => p.piece)).toEqual(['vault']);
  });

  it('runs OpenBao, HashiCorp Vault or both, each dev server on its own port, binary and HOME, never storing its token', () => {
    const both = platformProcesses(layout, ['vault'], ['openbao', 'hashicorp']);
    expect(both.map((p) => [p.name, p.command, p.env?.['HOME']])).toEqual([
      ['openbao', tools.bao, '/state/openbao'],
      ['vault', tools.vault, '/state/vault'],
    ]);
    expect(both.map((p) => p.args)).toEqual([
      ['server', '-dev', '-dev-no-store-token', `-dev-listen-address=127.0.0.1:${ports.openbao}`, '-log-level=warn'],
      [
        'server',
        '-dev',
        '-dev-no-store-token',
        `-dev-listen-address=127.0.0.1:${ports.hashicorpVault}`,
        '-log-level=warn',
      ],
    ]);
    expect(platformProcesses(layout, ['vault'], ['hashicorp']).map((p) => p.name)).toEqual(['vault']);
  });

  it('gives the apiserver token auth, RBAC, one key for both service-account flags and an issuer', () => {
    const apiserver = platformProcesses(layout, ['kube']).find((p) => p.name === 'kube-apiserver');
    expect(apiserver?.args).toEqual(
      expect.arrayContaining([
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.apiserver}`,
        '--authorization-mode=RBAC',
        '--token-auth-file=/state/kube/tokens.csv',
        '--service-account-key-file=/state/kube/sa.key',
        '--service-account-signing-key-file=/state/kube/sa.key',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--endpoint-reconciler-type=none',
      ]),
    );
    expect(apiserver?.readiness).toEqual({
      kind: 'http',
      url: `https://127.0.0.1:${ports.apiserver}/readyz`,
      ok: [200],
      auth: 'admin-token',
    });
  });

  it('binds every listener to loopback and keeps secrets out of argv', () => {
    const all = platformProcesses(layout, ['kube', 'vault', 'registry', 'git'], ['openbao', 'hashicorp']);
    const argv = all.flatMap((p) => p.args).join(' ');
    expect(argv).not.toMatch(/0\.0\.0\.0/);
    expect(argv).not.toMatch(/root-token|password|token=/i);
    const kwok = all.find((p) => p.name === 'kwok');
    expect(kwok?.args).toContain('--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake');
    expect(kwok?.args).toContain(`--config=${tools.kwokStages}`);
  });
});
