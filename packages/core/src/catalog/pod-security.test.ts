import { describe, expect, it } from 'vitest';
import { podSecurityViolations } from './pod-security.js';
import type { ServiceValues } from './values-schema.js';

const paths = (values: ServiceValues, level: 'restricted' | 'baseline' | 'privileged' = 'restricted') =>
  podSecurityViolations(values, level).map((v) => v.path.join('.'));

describe('pod security (issue 8 item 4: at least the restricted Pod Security Standard)', () => {
  it('passes values that leave the chart defaults alone, and secure explicit settings', () => {
    expect(paths({})).toEqual([]);
    expect(
      paths({
        podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'Localhost' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
          seccompProfile: { type: 'RuntimeDefault' },
          seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' },
        },
        tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
      }),
    ).toEqual([]);
  });

  it('refuses the privileged root container with SYS_ADMIN that tolerates every taint', () => {
    const hostile: ServiceValues = {
      podSecurityContext: { runAsNonRoot: false, runAsUser: 0 },
      securityContext: {
        privileged: true,
        allowPrivilegeEscalation: true,
        capabilities: { add: ['SYS_ADMIN'], drop: [] },
      },
      tolerations: [{ operator: 'Exists' }],
    };
    expect(paths(hostile)).toEqual([
      'securityContext.privileged',
      'securityContext.capabilities.add.0',
      'podSecurityContext.runAsNonRoot',
      'podSecurityContext.runAsUser',
      'securityContext.allowPrivilegeEscalation',
      'securityContext.capabilities.drop',
      'tolerations.0',
    ]);
    // baseline still refuses privileged and SYS_ADMIN; privileged refuses nothing
    expect(paths(hostile, 'baseline')).toEqual(['securityContext.privileged', 'securityContext.capabilities.add.0']);
    expect(paths(hostile, 'privileged')).toEqual([]);
  });

  it('refuses root and escalation at the container level too', () => {
    expect(paths({ securityContext: { runAsNonRoot: false, runAsUser: 0 } })).toEqual([
      'securityContext.runAsNonRoot',
      'securityContext.runAsUser',
    ]);
  });

  it('allows only NET_BIND_SERVICE on restricted, the runtime defaults on baseline', () => {
    const values: ServiceValues = {
      securityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'CHOWN', 'NET_ADMIN'] } },
    };
    expect(paths(values)).toEqual(['securityContext.capabilities.add.1', 'securityContext.capabilities.add.2']);
    expect(paths(values, 'baseline')).toEqual(['securityContext.capabilities.add.2']);
  });

  it('refuses Unconfined seccomp and AppArmor, SELinux user/role/types, Unmasked /proc and unsafe sysctls', () => {
    const values: ServiceValues = {
      podSecurityContext: {
        seccompProfile: { type: 'Unconfined' },
        seLinuxOptions: { type: 'spc_t' },
        sysctls: [
          { name: 'net.ipv4.tcp_syncookies', value: '1' },
          { name: 'kernel.msgmax', value: '1' },
        ],
      },
      securityContext: {
        appArmorProfile: { type: 'Unconfined' },
        seLinuxOptions: { user: 'system_u', role: 'sysadm_r' },
        procMount: 'Unmasked',
      },
    };
    const expected = [
      'podSecurityContext.seccompProfile.type',
      'podSecurityContext.seLinuxOptions.type',
      'securityContext.appArmorProfile.type',
      'securityContext.seLinuxOptions.user',
      'securityContext.seLinuxOptions.role',
      'securityContext.procMount',
      'podSecurityContext.sysctls.1.name',
    ];
    expect(paths(values)).toEqual(expected);
    expect(paths(values, 'baseline')).toEqual(expected);
  });

  it('refuses unconfined AppArmor and seccomp profiles given as pod annotations', () => {
    const values: ServiceValues = {
      podAnnotations: {
        'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
        'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/other': 'localhost/k8s-app',
        'prometheus.io/scrape': 'true',
      },
    };
    expect(paths(values, 'baseline')).toEqual([
      'podAnnotations.container.apparmor.security.beta.kubernetes.io/app',
      'podAnnotations.seccomp.security.alpha.kubernetes.io/pod',
    ]);
  });

  it('names what is wrong and the fix', () => {
    expect(podSecurityViolations({ tolerations: [{ operator: 'Exists' }] }, 'restricted')).toEqual([
      {
        path: ['tolerations', 0],
        message:
          'a toleration with operator Exists and no key tolerates every taint (control-plane and dedicated nodes too)',
        hint: 'name the taint key to tolerate',
      },
    ]);
  });
});
