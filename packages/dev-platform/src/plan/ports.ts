/** Every loopback port the local platform listens on. */
export interface PlatformPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  openbao: number;
  hashicorpVault: number;
  registry: number;
  sshd: number;
}

export const portNames: readonly (keyof PlatformPorts)[] = [
  'etcdClient',
  'etcdPeer',
  'apiserver',
  'controllerManager',
  'scheduler',
  'kwok',
  'openbao',
  'hashicorpVault',
  'registry',
  'sshd',
];
