import * as z from 'zod';
import { canaryWeightRange } from '../deploy/canary-weight.js';
import {
  absolutePath,
  dataKey,
  dnsSubdomain,
  duration,
  envName,
  gatewayRef,
  hostName,
  imageRepository,
  imageTag,
  int32,
  int32Max,
  dnsLabel,
  labelKey,
  labelValue,
  port,
  portName,
  quantity,
} from './kube-grammar.js';
import {
  containerSecurityContextSchema,
  podSecurityContextSchema,
  tolerationSchema,
} from './security-context-schema.js';

/**
 * Helm values of a service: values.yaml, values-<stack>.yaml and the pipeline's overrides all
 * have this shape, and both shared charts validate them with the JSON Schema generated from it
 * (each chart reads its own keys). Every key is optional here: chart defaults fill the rest.
 * Numbers and names are bounded to what Kubernetes accepts (kube-grammar.ts).
 */
const resourceList = z.strictObject({ cpu: quantity.optional(), memory: quantity.optional() });
const labelMap = z.record(labelKey, labelValue);
const annotationMap = z.record(labelKey, z.string());

/** Free-form Kubernetes fields (affinity): any number in them is an int32, as in the API. */
const freeForm = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === 'number' && (!Number.isInteger(v) || Math.abs(v) > int32Max))
      ctx.addIssue({ code: 'custom', path, message: `must be a whole number of at most ${int32Max} (int32)` });
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (v && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
});
const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>');
const secretMount = z.strictObject({
  secret: dnsSubdomain,
  mountPath: absolutePath,
  items: z
    .record(
      dataKey,
      // relative; no segment starts with "." (so no ..): RE2 (helm) has no lookahead
      z.string().regex(/^[-\w][-.\w]*(\/[-\w][-.\w]*)*$/, 'must be a relative file name, no segment starting with .'),
    )
    .optional()
    .describe('Secret key → file name (default: every key)'),
});
const caller = z.strictObject({
  namespace: dnsLabel.optional(),
  service: dnsLabel.optional(),
  namespaceLabels: labelMap
    .optional()
    .describe('every namespace with these labels (the mesh: istio-injection: enabled)'),
});

export const valuesSchema = z
  .strictObject({
    kind: z.enum(['Deployment', 'StatefulSet']).optional().describe('workload kind'),
    replicaCount: int32(0).optional(),
    progressDeadlineSeconds: int32(1)
      .optional()
      .describe('Deployment: seconds without progress before the rollout counts as failed'),
    image: z
      .strictObject({
        repository: imageRepository.optional(),
        tag: imageTag.optional().describe('--image-tag wins over values-<stack>.yaml, which wins over values.yaml'),
        digest: digest.optional().describe('set by the pipeline: the pods run repository:tag@digest'),
        pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
      })
      .optional(),
    containerPort: port.optional(),
    healthCheckPath: z
      .string()
      .max(2048, 'must be at most 2048 characters')
      .regex(/^\//, 'must start with /')
      .regex(/^[\x21-\x7e]*$/, 'must hold no spaces or control characters')
      .optional(),
    probes: z
      .strictObject({
        initialDelaySeconds: int32(0).optional(),
        periodSeconds: int32(1).optional(),
        failureThreshold: int32(1).optional(),
      })
      .optional(),
    resources: z.strictObject({ requests: resourceList.optional(), limits: resourceList.optional() }).optional(),
    nodeSelector: labelMap.optional(),
    affinity: freeForm.optional(),
    tolerations: z.array(tolerationSchema).optional(),
    env: z.record(envName, z.string()).optional().describe('plain environment variables'),
    secretEnv: z
      .record(envName, z.strictObject({ secret: dnsSubdomain, key: dataKey }))
      .optional()
      .describe('environment variables from Secret keys (e.g. those secret-sync creates)'),
    envFromSecrets: z.array(dnsSubdomain).optional().describe('Secrets whose keys all become environment variables'),
    secretMounts: z.array(secretMount).optional().describe('Secrets mounted as read-only files'),
    tmp: z.strictObject({ sizeLimit: quantity.optional() }).optional().describe('the writable /tmp emptyDir'),
    config: z
      .strictObject({
        data: z.record(dataKey, z.string()).optional().describe('ConfigMap data, at most 1 MiB in all'),
        mountPath: absolutePath.optional().describe('mount the ConfigMap here'),
        asEnv: z.boolean().optional().describe('also expose the ConfigMap as environment variables'),
      })
      .optional(),
    serviceAccount: z
      .strictObject({
        create: z.boolean().optional(),
        annotations: annotationMap.optional(),
        automountToken: z.boolean().optional().describe('mount the API token into the pods (default false)'),
      })
      .optional(),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean().optional(),
        callers: z.array(caller).optional().describe('who may call the service (default: its own namespace)'),
        ingressGateway: z.strictObject({ namespace: dnsLabel.optional(), podLabels: labelMap.optional() }).optional(),
      })
      .optional()
      .describe('a NetworkPolicy admitting only the declared callers (default on)'),
    podDisruptionBudget: z
      .strictObject({
        enabled: z.boolean().optional(),
        minAvailable: z
          .union([int32(0), z.string().regex(/^[0-9]{1,3}%$/, 'must be a number or a percentage like 50%')])
          .optional(),
      })
      .optional(),
    autoscaling: z
      .strictObject({
        enabled: z.boolean().optional(),
        minReplicas: int32(1).optional(),
        maxReplicas: int32(1).optional(),
        targetCPUUtilizationPercentage: int32(1, 100).optional(),
      })
      .optional(),
    podSecurityContext: podSecurityContextSchema.optional(),
    securityContext: containerSecurityContextSchema.optional().describe('of the app container'),
    podAnnotations: annotationMap.optional(),
    podLabels: labelMap.optional(),
    labels: labelMap.optional().describe('extra labels on every object (the pipeline adds ownership labels)'),
    persistence: z
      .strictObject({
        enabled: z.boolean().optional(),
        size: quantity.optional(),
        mountPath: absolutePath.optional(),
      })
      .optional()
      .describe('StatefulSet volume claim'),
    service: z.strictObject({ port: port.optional(), portName: portName.optional() }).optional(),
    canary: z
      .strictObject({
        enabled: z.boolean().optional().describe('set by the pipeline for a canary release'),
        weight: int32(canaryWeightRange.min, canaryWeightRange.max).optional(),
        replicaCount: int32(1).optional(),
        image: z
          .strictObject({ repository: imageRepository.optional(), tag: imageTag.optional(), digest: digest.optional() })
          .optional(),
        headerRoute: z
          .strictObject({
            name: z.string().regex(/^[a-z0-9-]{1,100}$/, 'must be a lower-case HTTP header name'),
            value: z.string().max(1000, 'must be at most 1000 characters'),
            internalOnly: z.boolean().optional().describe('only in the mesh and routing.internalGateways'),
          })
          .optional(),
      })
      .optional(),
    routing: z
      .strictObject({
        hosts: z.array(hostName).optional().describe('VirtualService hosts (default: the Service name)'),
        gateways: z.array(gatewayRef).optional(),
        internalGateways: z.array(gatewayRef).optional().describe('gateways that only internal clients reach'),
        gateway: z
          .strictObject({
            create: z.boolean().optional(),
            hosts: z.array(hostName).optional(),
            port: port.optional(),
            tls: z
              .array(z.strictObject({ hosts: z.array(hostName).min(1), credentialName: dnsSubdomain }))
              .optional()
              .describe('HTTPS for these hosts with the certificate Secret credentialName; HTTP redirects'),
            tlsPort: port.optional(),
          })
          .optional(),
        timeout: duration.optional(),
        retries: z.strictObject({ attempts: int32(0), perTryTimeout: duration.optional() }).optional(),
      })
      .optional(),
    global: z.record(z.string(), z.unknown()).optional().describe('reserved by helm'),
  })
  .describe('Helm values of a service for the workload and routing charts');

export type ServiceValues = z.infer<typeof valuesSchema>;
