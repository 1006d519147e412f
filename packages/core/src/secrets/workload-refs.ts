/** The parts of a pod spec that can name a Secret (plain objects, no client types). */
export interface PodSpecLike {
  volumes?: {
    secret?: { secretName?: string };
    projected?: { sources?: { secret?: { name?: string } }[] };
  }[];
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  imagePullSecrets?: { name?: string }[];
}

interface ContainerLike {
  env?: { valueFrom?: { secretKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string } }[];
}

/** Names of the Secrets a pod template uses: volumes, projected volumes, env, envFrom, image pull secrets. */
export function podSpecSecretNames(spec: PodSpecLike | undefined): Set<string> {
  const names = new Set<string>();
  const add = (n: string | undefined) => {
    if (n) names.add(n);
  };
  for (const v of spec?.volumes ?? []) {
    add(v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) add(s.secret?.name);
  }
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const e of c.env ?? []) add(e.valueFrom?.secretKeyRef?.name);
    for (const e of c.envFrom ?? []) add(e.secretRef?.name);
  }
  for (const p of spec?.imagePullSecrets ?? []) add(p.name);
  return names;
}
