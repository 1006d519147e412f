import { z } from 'zod';

/**
 * Helm values of a service: values.yaml, values-<stack>.yaml and the pipeline's overrides all
 * have this shape, and both shared charts validate them with the JSON Schema generated from it
 * (each chart reads its own keys). Every key is optional here: chart defaults fill the rest.
 */
const quantity = z.union([z.string().regex(/^[0-9.]+[a-zA-Z]*$/, 'must be a quantity like 250m or 512Mi'), z.number()]);
const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const labelMap = z.record(z.string(), z.string());
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>');
const secretMount = z.strictObject({
  secret: z.string().min(1),
  mountPath: z.string().regex(/^\//, 'must be an absolute path'),
  items: z
    .record(
      z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key'),
      // relative; no segment starts with "." (so no ..): RE2 (helm) has no lookahead
      z.string().regex(/^[-\w][-.\w]*(\/[-\w][-.\w]*)*$/, 'must be a relative file name, no segment starting with .'),
    )
    .optional()
    .describe('Secret key → file name (default: every key)'),
});
const caller = z.strictObject({ namespace: z.string().optional(), service: z.string().optional() });

export const valuesSchema = z
  .strictObject({
    kind: z.enum(['Deployment', 'StatefulSet']).optional().describe('workload kind'),
    replicaCount: z.number().int().min(0).optional(),
    progressDeadlineSeconds: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Deployment: seconds without progress before the rollout counts as failed'),
    image: z
      .strictObject({
        repository: z.string().optional(),
        tag: z.string().optional(),
        digest: digest.optional().describe('set by the pipeline: the pods run repository:tag@digest'),
        pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
      })
      .optional(),
    containerPort: z.number().int().min(1).max(65535).optional(),
    healthCheckPath: z.string().regex(/^\//, 'must start with /').optional(),
    probes: z
      .strictObject({
        initialDelaySeconds: z.number().int().min(0).optional(),
        periodSeconds: z.number().int().min(1).optional(),
        failureThreshold: z.number().int().min(1).optional(),
      })
      .optional(),
    resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
    nodeSelector: labelMap.optional(),
    affinity: z.record(z.string(), z.unknown()).optional(),
    tolerations: z.array(z.record(z.string(), z.unknown())).optional(),
    env: z.record(envName, z.string()).optional().describe('plain environment variables'),
    secretEnv: z
      .record(envName, z.strictObject({ secret: z.string(), key: z.string() }))
      .optional()
      .describe('environment variables from Secret keys (e.g. those secret-sync creates)'),
    envFromSecrets: z.array(z.string()).optional().describe('Secrets whose keys all become environment variables'),
    secretMounts: z.array(secretMount).optional().describe('Secrets mounted as read-only files'),
    tmp: z.strictObject({ sizeLimit: quantity.optional() }).optional().describe('the writable /tmp emptyDir'),
    config: z
      .strictObject({
        data: z.record(z.string(), z.string()).optional(),
        mountPath: z.string().optional().describe('mount the ConfigMap here'),
        asEnv: z.boolean().optional().describe('also expose the ConfigMap as environment variables'),
      })
      .optional(),
    serviceAccount: z
      .strictObject({
        create: z.boolean().optional(),
        annotations: labelMap.optional(),
        automountToken: z.boolean().optional().describe('mount the API token into the pods (default false)'),
      })
      .optional(),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean().optional(),
        callers: z.array(caller).optional().describe('who may call the service (default: its own namespace)'),
        ingressGateway: z.strictObject({ namespace: z.string().optional(), podLabels: labelMap.optional() }).optional(),
      })
      .optional()
      .describe('a NetworkPolicy admitting only the declared callers (default on)'),
    podDisruptionBudget: z
      .strictObject({
        enabled: z.boolean().optional(),
        minAvailable: z.union([z.number().int(), z.string()]).optional(),
      })
      .optional(),
    autoscaling: z
      .strictObject({
        enabled: z.boolean().optional(),
        minReplicas: z.number().int().min(1).optional(),
        maxReplicas: z.number().int().min(1).optional(),
        targetCPUUtilizationPercentage: z.number().int().min(1).max(100).optional(),
      })
      .optional(),
    podSecurityContext: z.record(z.string(), z.unknown()).optional(),
    securityContext: z.record(z.string(), z.unknown()).optional(),
    podAnnotations: labelMap.optional(),
    podLabels: labelMap.optional(),
    labels: labelMap.optional().describe('extra labels on every object (the pipeline adds ownership labels)'),
    persistence: z
      .strictObject({ enabled: z.boolean().optional(), size: z.string().optional(), mountPath: z.string().optional() })
      .optional()
      .describe('StatefulSet volume claim'),
    service: z
      .strictObject({ port: z.number().int().min(1).max(65535).optional(), portName: z.string().optional() })
      .optional(),
    canary: z
      .strictObject({
        enabled: z.boolean().optional().describe('set by the pipeline for a canary release'),
        weight: z.number().int().min(0).max(100).optional(),
        replicaCount: z.number().int().min(1).optional(),
        image: z
          .strictObject({ repository: z.string().optional(), tag: z.string().optional(), digest: digest.optional() })
          .optional(),
        headerRoute: z
          .strictObject({
            name: z.string(),
            value: z.string(),
            internalOnly: z.boolean().optional().describe('only in the mesh and routing.internalGateways'),
          })
          .optional(),
      })
      .optional(),
    routing: z
      .strictObject({
        hosts: z.array(z.string()).optional().describe('VirtualService hosts (default: the Service name)'),
        gateways: z.array(z.string()).optional(),
        internalGateways: z.array(z.string()).optional().describe('gateways that only internal clients reach'),
        gateway: z
          .strictObject({
            create: z.boolean().optional(),
            hosts: z.array(z.string()).optional(),
            port: z.number().int().optional(),
            tls: z
              .array(z.strictObject({ hosts: z.array(z.string()).min(1), credentialName: z.string().min(1) }))
              .optional()
              .describe('HTTPS for these hosts with the certificate Secret credentialName; HTTP redirects'),
            tlsPort: z.number().int().min(1).max(65535).optional(),
          })
          .optional(),
        timeout: z.string().optional(),
        retries: z.strictObject({ attempts: z.number().int().min(0), perTryTimeout: z.string().optional() }).optional(),
      })
      .optional(),
    global: z.record(z.string(), z.unknown()).optional().describe('reserved by helm'),
  })
  .describe('Helm values of a service for the workload and routing charts');

export type ServiceValues = z.infer<typeof valuesSchema>;
