import * as z from 'zod';
import { int32, labelKey } from './kube-grammar.js';

/**
 * The pod and container security settings values may set, typed (unknown keys are refused), so
 * that the pod security rule (pod-security.ts) sees every field the workload chart renders. No
 * field accepts null: helm would delete the chart's secure default instead.
 */
const userId = int32(0);
const profile = z.strictObject({
  type: z.enum(['RuntimeDefault', 'Localhost', 'Unconfined']),
  localhostProfile: z.string().min(1).optional(),
});
const seLinuxOptions = z.strictObject({
  user: z.string().optional(),
  role: z.string().optional(),
  type: z.string().optional(),
  level: z.string().optional(),
});

export const podSecurityContextSchema = z.strictObject({
  runAsNonRoot: z.boolean().optional(),
  runAsUser: userId.optional(),
  runAsGroup: userId.optional(),
  fsGroup: userId.optional(),
  fsGroupChangePolicy: z.enum(['OnRootMismatch', 'Always']).optional(),
  supplementalGroups: z.array(userId).optional(),
  seccompProfile: profile.optional(),
  appArmorProfile: profile.optional(),
  seLinuxOptions: seLinuxOptions.optional(),
  sysctls: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
});

export const containerSecurityContextSchema = z.strictObject({
  privileged: z.boolean().optional(),
  allowPrivilegeEscalation: z.boolean().optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  runAsNonRoot: z.boolean().optional(),
  runAsUser: userId.optional(),
  runAsGroup: userId.optional(),
  capabilities: z
    .strictObject({
      add: z.array(z.string().min(1)).optional(),
      drop: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  procMount: z.enum(['Default', 'Unmasked']).optional(),
  seccompProfile: profile.optional(),
  appArmorProfile: profile.optional(),
  seLinuxOptions: seLinuxOptions.optional(),
});

export const tolerationSchema = z.strictObject({
  key: labelKey.optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().min(-9007199254740991).max(9007199254740991).optional(),
});
