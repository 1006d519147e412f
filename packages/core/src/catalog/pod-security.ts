import type { PodSecurityLevel } from './settings-schema.js';
import type { ServiceValues } from './values-schema.js';

/** A setting that breaks the stack's Pod Security Standard, at its path in the values. */
export interface PodSecurityViolation {
  path: (string | number)[];
  message: string;
  hint: string;
}

/** Capabilities the baseline level lets a container add (the container runtime's defaults). */
const baselineCapabilities = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const safeSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
const seLinuxTypes = new Set(['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/**
 * The Kubernetes Pod Security Standards (baseline, restricted) on a service's layered values,
 * plus: no toleration of every taint on restricted stacks. Host namespaces, host ports and
 * hostPath volumes cannot be set through the values at all (the schema has no such keys), and a
 * setting left unset keeps the workload chart's default, which meets restricted (tested against
 * charts/workload/values.yaml).
 */
export function podSecurityViolations(values: ServiceValues, level: PodSecurityLevel): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const restricted = level === 'restricted';
  const out: PodSecurityViolation[] = [];
  const add = (path: (string | number)[], message: string, hint: string) => out.push({ path, message, hint });
  const pod = values.podSecurityContext ?? {};
  const container = values.securityContext ?? {};

  if (container.privileged === true)
    add(['securityContext', 'privileged'], 'privileged containers are not allowed', 'remove privileged: true');
  (container.capabilities?.add ?? []).forEach((cap, i) => {
    const allowed = restricted ? cap === 'NET_BIND_SERVICE' : baselineCapabilities.has(cap);
    if (!allowed)
      add(
        ['securityContext', 'capabilities', 'add', i],
        `adding the capability ${cap} is not allowed`,
        restricted ? 'add no capability but NET_BIND_SERVICE' : 'remove it from capabilities.add',
      );
  });
  for (const [ctx, at] of [
    [pod, 'podSecurityContext'],
    [container, 'securityContext'],
  ] as const) {
    if (ctx.seccompProfile?.type === 'Unconfined')
      add([at, 'seccompProfile', 'type'], 'an Unconfined seccomp profile is not allowed', 'use RuntimeDefault');
    if (ctx.appArmorProfile?.type === 'Unconfined')
      add([at, 'appArmorProfile', 'type'], 'an Unconfined AppArmor profile is not allowed', 'use RuntimeDefault');
    const se = ctx.seLinuxOptions;
    if (se?.type !== undefined && !seLinuxTypes.has(se.type))
      add([at, 'seLinuxOptions', 'type'], `SELinux type ${se.type} is not allowed`, 'use container_t or leave it out');
    for (const key of ['user', 'role'] as const)
      if (se?.[key] !== undefined)
        add([at, 'seLinuxOptions', key], `setting the SELinux ${key} is not allowed`, `remove seLinuxOptions.${key}`);
    if (restricted && ctx.runAsNonRoot === false)
      add([at, 'runAsNonRoot'], 'containers must run as non-root', 'remove runAsNonRoot: false');
    if (restricted && ctx.runAsUser === 0)
      add([at, 'runAsUser'], 'running as user 0 (root) is not allowed', 'use a non-zero user id, e.g. 10001');
  }
  // the annotation forms of AppArmor and seccomp profiles count as well
  for (const [key, value] of Object.entries(values.podAnnotations ?? {})) {
    const appArmor = key.startsWith('container.apparmor.security.beta.kubernetes.io/');
    const seccomp = key.startsWith('seccomp.security.alpha.kubernetes.io/') || key.startsWith('container.seccomp.');
    if ((appArmor || seccomp) && value !== 'runtime/default' && !value.startsWith('localhost/'))
      add(
        ['podAnnotations', key],
        `the ${appArmor ? 'AppArmor' : 'seccomp'} profile ${value} is not allowed`,
        'use runtime/default or remove the annotation',
      );
  }
  if (container.procMount !== undefined && container.procMount !== 'Default')
    add(['securityContext', 'procMount'], `procMount ${container.procMount} is not allowed`, 'remove procMount');
  (pod.sysctls ?? []).forEach((sysctl, i) => {
    if (!safeSysctls.has(sysctl.name))
      add(
        ['podSecurityContext', 'sysctls', i, 'name'],
        `the sysctl ${sysctl.name} is not allowed`,
        'set only the safe sysctls (e.g. net.ipv4.ip_local_port_range)',
      );
  });
  if (!restricted) return out;

  if (container.allowPrivilegeEscalation === true)
    add(
      ['securityContext', 'allowPrivilegeEscalation'],
      'privilege escalation is not allowed',
      'remove allowPrivilegeEscalation: true',
    );
  const drop = container.capabilities?.drop;
  if (drop !== undefined && !drop.includes('ALL'))
    add(['securityContext', 'capabilities', 'drop'], 'containers must drop ALL capabilities', 'set drop: [ALL]');
  (values.tolerations ?? []).forEach((t, i) => {
    if (t.operator === 'Exists' && t.key === undefined)
      add(
        ['tolerations', i],
        'a toleration with operator Exists and no key tolerates every taint (control-plane and dedicated nodes too)',
        'name the taint key to tolerate',
      );
  });
  return out;
}
