/**
 * Every object the shared charts can render for a service (release name = service name), for
 * either track: what two services in one namespace must not share. Keep in step with the charts'
 * templates (charts/workload, charts/routing): `<name>`, its canary `<name>-canary`, the
 * ConfigMaps `<name>-config` and `<name>-canary-config`, the Gateway `<name>-gateway`.
 */
export function renderedObjects(service: string): { kind: string; name: string; track: 'stable' | 'canary' }[] {
  const canary = `${service}-canary`;
  const stable = (kind: string, name = service) => ({ kind, name, track: 'stable' as const });
  return [
    ...['ServiceAccount', 'Deployment', 'StatefulSet', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'].map((k) =>
      stable(k),
    ),
    ...['Service', 'DestinationRule', 'VirtualService', 'NetworkPolicy'].map((k) => stable(k)),
    stable('ConfigMap', `${service}-config`),
    stable('Gateway', `${service}-gateway`),
    { kind: 'Deployment', name: canary, track: 'canary' },
    { kind: 'StatefulSet', name: canary, track: 'canary' },
    { kind: 'NetworkPolicy', name: canary, track: 'canary' },
    { kind: 'ConfigMap', name: `${canary}-config`, track: 'canary' },
  ];
}
