import { describe, expect, it } from 'vitest';
import {
  labelValueIssue,
  namespaceNameIssue,
  qualifiedNameIssue,
  secretKeyIssue,
  secretNameIssue,
} from './validation.js';

describe('Kubernetes name rules', () => {
  it('namespaces are DNS-1123 labels', () => {
    expect(namespaceNameIssue('payments-1')).toBeUndefined();
    for (const bad of ['Payments', '-a', 'a-', 'a.b', 'a'.repeat(64), ''])
      expect(namespaceNameIssue(bad)).toBeDefined();
  });

  it('Secret names are DNS-1123 subdomains', () => {
    expect(secretNameIssue('db.credentials-1')).toBeUndefined();
    for (const bad of ['DB', 'a_b', 'a..b', '.a', 'a'.repeat(254)]) expect(secretNameIssue(bad)).toBeDefined();
  });

  it('data keys are [-._a-zA-Z0-9]+, not . or ..', () => {
    for (const ok of ['password', 'tls.crt', '.dockerconfigjson', 'A_B-c']) expect(secretKeyIssue(ok)).toBeUndefined();
    for (const bad of ['a/b', 'a b', '.', '..', '..x', '', 'ü']) expect(secretKeyIssue(bad)).toBeDefined();
  });

  it('label keys and values', () => {
    expect(qualifiedNameIssue('team')).toBeUndefined();
    expect(qualifiedNameIssue('example.com/team')).toBeUndefined();
    expect(qualifiedNameIssue('Example.com/team')).toBeDefined();
    expect(qualifiedNameIssue('/team')).toBeDefined();
    expect(qualifiedNameIssue('a/b/c')).toBeDefined();
    expect(labelValueIssue('')).toBeUndefined();
    expect(labelValueIssue('v1.2_x')).toBeUndefined();
    expect(labelValueIssue('has space')).toBeDefined();
    expect(labelValueIssue('x'.repeat(64))).toBeDefined();
  });
});
