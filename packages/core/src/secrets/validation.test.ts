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
    for (const bad of ['Payments', '-a', 'a-', 'a.b', 'a'.repeat(64), '']) {
      expect(namespaceNameIssue(bad)).toBe(
        `namespace "${bad}" is not a DNS-1123 label (lower-case letters, digits and "-", at most 63, starting and ending alphanumeric)`,
      );
    }
  });

  it('Secret names are DNS-1123 subdomains', () => {
    expect(secretNameIssue('db.credentials-1')).toBeUndefined();
    for (const bad of ['DB', 'a_b', 'a..b', '.a', 'a'.repeat(254)]) {
      expect(secretNameIssue(bad)).toBe(
        `name "${bad}" is not a DNS-1123 subdomain (lower-case letters, digits, "-" and ".", at most 253, starting and ending alphanumeric)`,
      );
    }
  });

  it('data keys are [-._a-zA-Z0-9]+, not . or ..', () => {
    for (const ok of ['password', 'tls.crt', '.dockerconfigjson', 'A_B-c']) expect(secretKeyIssue(ok)).toBeUndefined();
    for (const bad of ['a/b', 'a b', '.', '..', '..x', '', 'ü', 'k'.repeat(254)]) {
      expect(secretKeyIssue(bad)).toBe(
        `key "${bad}" is not a valid Secret key (letters, digits, "-", "_" and ".", at most 253, not "." or "..")`,
      );
    }
  });

  it('label keys: [DNS-1123 prefix/]name', () => {
    for (const ok of ['team', 'example.com/team', 'a.b/C_d-e', 'x'.repeat(63)])
      expect(qualifiedNameIssue(ok)).toBeUndefined();
    for (const bad of ['Example.com/team', '/team', 'a/b/c', 'team-', 'x'.repeat(64), `${'p'.repeat(254)}/team`]) {
      expect(qualifiedNameIssue(bad)).toBe(
        `"${bad}" is not a valid label/annotation key ([DNS-1123 prefix/]name, name alphanumeric with "-", "_", ".", at most 63)`,
      );
    }
  });

  it('label values: empty, or at most 63 alphanumeric with "-", "_", "." inside', () => {
    for (const ok of ['', 'v1.2_x', 'x'.repeat(63)]) expect(labelValueIssue(ok)).toBeUndefined();
    for (const bad of ['has space', 'x'.repeat(64), '-a', 'a.']) {
      expect(labelValueIssue(bad)).toBe(
        `label value "${bad}" is invalid (at most 63, alphanumeric with "-", "_", "." inside)`,
      );
    }
  });
});
