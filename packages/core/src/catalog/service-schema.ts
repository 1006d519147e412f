import * as z from 'zod';
import { dnsLabel } from './settings-schema.js';

export const buildPresets = ['maven', 'gradle', 'node', 'go', 'python'] as const;

/** A regular expression the catalog gives (a webhook constraint): it must compile. */
const pattern = z
  .string()
  .min(1)
  .refine((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression');

/** Where a webhook payload holds a value: a dotted path (release.tag) or a JSON pointer (/release/tag). */
const payloadField = z
  .string()
  .regex(
    /^(\/([^/~]|~[01])*)+$|^[^./][^.]*(\.[^.]+)*$/,
    'must be a dotted path (release.tag) or a JSON pointer (/release/tag)',
  );

/** `triggers:`: webhooks that deploy the service (slipway serve: POST /hooks/<service>/<trigger>). */
export const triggerSchema = z
  .strictObject({
    name: dnsLabel,
    stack: dnsLabel.describe('the stack the trigger deploys to (its branch rules apply)'),
    imageTagField: payloadField.describe('the payload field that gives the image tag'),
    sourceBranchField: payloadField.optional().describe('the payload field that gives the source branch'),
    constraints: z
      .record(payloadField, pattern)
      .default({})
      .describe('payload field → regular expression its value must match as a whole (else 422, nothing runs)'),
    skipBuild: z.boolean().default(true).describe('deploy the tag from the registry without building it'),
  })
  .describe('a signed webhook (X-Hub-Signature-256, secret outside the catalog) that deploys the service');

export const serviceSchema = z
  .strictObject({
    apiVersion: z.literal('slipway.dev/v1'),
    kind: z.literal('Service'),
    name: dnsLabel,
    team: z.string().min(1),
    namespace: dnsLabel,
    repository: z
      .string()
      .regex(/^(ssh:\/\/[^\s]+|[\w.-]+@[\w.-]+:[^\s]+)$/, 'must be a git SSH URL (git@host:org/repo.git or ssh://…)'),
    image: z
      .string()
      .regex(
        /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
        'must be an image name without registry or tag',
      ),
    build: z
      .strictObject({
        preset: z
          .enum(buildPresets)
          .describe(
            'a language preset: without a Dockerfile of its own, slipway build generates one (dependencies first, cached)',
          ),
        dockerfile: z.string().default('Dockerfile'),
        context: z.string().default('.'),
      })
      .describe('how the image is built'),
    stacks: z.array(dnsLabel).min(1),
    product: dnsLabel
      .optional()
      .describe('the product the service belongs to: it deploys to the clusters slipway.yaml gives the product'),
    clusters: z
      .record(dnsLabel, z.array(dnsLabel).min(1))
      .optional()
      .describe('per stack, the clusters to deploy to in rollout order (instead of those of the product)'),
    notifications: z
      .strictObject({ slack: z.string().regex(/^#[\w-]+$/, 'must be a Slack channel like #team-alerts') })
      .optional()
      .describe('slipway serve posts run started, succeeded and failed to this Slack channel'),
    triggers: z.array(triggerSchema).optional().describe('webhooks that deploy the service (slipway serve)'),
    canary: z.boolean().default(false).describe('the service may be released as a canary'),
  })
  .superRefine((service, ctx) => {
    const seen = new Set<string>();
    service.triggers?.forEach((t, i) => {
      if (!service.stacks.includes(t.stack))
        ctx.addIssue({
          code: 'custom',
          path: ['triggers', i, 'stack'],
          message: `is not a stack of the service (its stacks: ${service.stacks.join(', ')})`,
        });
      if (seen.has(t.name))
        ctx.addIssue({ code: 'custom', path: ['triggers', i, 'name'], message: `trigger ${t.name} is declared twice` });
      seen.add(t.name);
    });
  })
  .describe('services/<name>/service.yaml: one microservice');

export type ServiceConfig = z.infer<typeof serviceSchema>;
export type TriggerConfig = z.infer<typeof triggerSchema>;
