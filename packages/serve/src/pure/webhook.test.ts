import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  failedConstraint,
  payloadValue,
  RateLimit,
  RecentCounts,
  SeenDeliveries,
  signatureValid,
  triggerRequest,
} from './webhook.js';

const body = Buffer.from('{"model":{"tag":"2.0.1"},"status":"validated"}');
const sign = (secret: string, b: Buffer) => `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

describe('webhook signature', () => {
  it('accepts the HMAC-SHA256 of the raw body with the secret only', () => {
    expect(signatureValid('s3cret', body, sign('s3cret', body))).toBe(true);
    expect(signatureValid('s3cret', body, sign('other', body))).toBe(false);
    expect(signatureValid('s3cret', Buffer.from(`${body.toString()} `), sign('s3cret', body))).toBe(false);
    expect(signatureValid('s3cret', body, undefined)).toBe(false);
    expect(signatureValid('s3cret', body, 'sha1=abc')).toBe(false);
    expect(signatureValid('', body, sign('', body))).toBe(false);
  });
});

describe('payload fields and constraints', () => {
  const payload = JSON.parse(body.toString()) as unknown;
  it('reads dotted paths and JSON pointers', () => {
    expect(payloadValue(payload, 'model.tag')).toBe('2.0.1');
    expect(payloadValue(payload, '/model/tag')).toBe('2.0.1');
    expect(payloadValue(payload, 'model.toString')).toBeUndefined();
    expect(payloadValue({ 'a/b': { '~': 1 } }, '/a~1b/~0')).toBe(1);
  });
  it('matches each constraint against the whole value', () => {
    expect(failedConstraint(payload, { status: 'validated' })).toBeUndefined();
    expect(failedConstraint(payload, { status: 'valid' })).toBe('status is "validated", which does not match valid');
    expect(failedConstraint(payload, { branch: 'main' })).toBe(
      'branch is missing from the payload (it must match main)',
    );
  });
  it('turns a delivery into a deploy request', () => {
    const trigger = {
      name: 'model',
      stack: 'dev',
      imageTagField: 'model.tag',
      constraints: { status: 'validated' },
      skipBuild: true,
    };
    expect(triggerRequest('web', trigger, payload)).toEqual({
      request: { service: 'web', stack: 'dev', imageTag: '2.0.1', skipBuild: true },
    });
    expect(triggerRequest('web', { ...trigger, imageTagField: 'tag' }, payload)).toEqual({
      error: 'the payload has no image tag at tag',
    });
  });
});

describe('deliveries and rate', () => {
  it('refuses a delivery id seen before, forgetting the oldest past the bound', () => {
    const seen = new SeenDeliveries(2);
    expect([seen.take('a'), seen.take('a'), seen.take('b'), seen.take('c'), seen.take('a')]).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
  });
  it('allows at most limit deliveries per window and key', () => {
    const rate = new RateLimit(2, 1000);
    expect([
      rate.allow('t', 0),
      rate.allow('t', 1),
      rate.allow('t', 2),
      rate.allow('u', 2),
      rate.allow('t', 1001),
    ]).toEqual([true, true, false, true, true]);
  });
  it('counts what happened within the window only', () => {
    const counts = new RecentCounts(1000);
    counts.add('a', 0);
    counts.add('a', 500);
    counts.add('b', 500);
    expect([counts.count('a', 900), counts.count('a', 1200), counts.count('a', 1600), counts.count('c', 0)]).toEqual([
      2, 1, 0, 0,
    ]);
  });
});
