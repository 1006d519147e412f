import { z } from 'zod';
import { dnsLabel } from './settings-schema.js';

export const buildPresets = ['maven', 'gradle', 'node', 'go', 'python'] as const;

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
      .describe("reserved for slipway serve's notifications (nothing reads it yet)"),
    canary: z.boolean().default(false).describe('the service may be released as a canary'),
  })
  .describe('services/<name>/service.yaml: one microservice');

export type ServiceConfig = z.infer<typeof serviceSchema>;
