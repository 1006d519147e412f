import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  charts,
  fixtures,
  goldenPath,
  prodFixtures,
  repo,
  secretSyncFixtures,
  secretSyncGolden,
  secretSyncProdFixtures,
} from './helm.js';

/**
 * checkov (the Kubernetes scanner many chart projects run in CI) over the golden renders of every
 * chart: prod renders pass every check; the others fail exactly the checks listed here (they
 * leave out what only strict stacks require). Skips live in checkov-skips.yaml, with reasons.
 */

interface Skip {
  id: string;
  reason: string;
}
const skips = (parse(readFileSync(join(repo, 'test/charts/checkov-skips.yaml'), 'utf8')) as { skips: Skip[] }).skips;

/** Failed check ids of the renders that are not prod (no digest, requests, probes, …). */
const expectedFailures: Record<string, string[]> = {
  'typical-deployment': ['CKV_K8S_15', 'CKV_K8S_35', 'CKV_K8S_43'],
  statefulset: ['CKV_K8S_10', 'CKV_K8S_11', 'CKV_K8S_12', 'CKV_K8S_13', 'CKV_K8S_15', 'CKV_K8S_43'],
  canary: ['CKV_K8S_11', 'CKV_K8S_13', 'CKV_K8S_15', 'CKV_K8S_43'],
  'hpa-gateway': ['CKV_K8S_15', 'CKV_K8S_43'],
  minimal: [
    'CKV_K8S_10',
    'CKV_K8S_11',
    'CKV_K8S_12',
    'CKV_K8S_13',
    'CKV_K8S_15',
    'CKV_K8S_43',
    'CKV_K8S_8',
    'CKV_K8S_9',
  ],
  'secret-sync.default': ['CKV_K8S_15', 'CKV_K8S_43'],
};

/** One scan per render set: fixtures share names and namespace, so graph checks must not mix them. */
const renderSets: { name: string; prod: boolean; files: string[] }[] = [
  ...fixtures.map((f) => ({ name: f, prod: prodFixtures.includes(f), files: charts.map((c) => goldenPath(f, c)) })),
  ...secretSyncFixtures.map((f) => ({
    name: `secret-sync.${f}`,
    prod: secretSyncProdFixtures.includes(f),
    files: [secretSyncGolden(f)],
  })),
];

interface Report {
  summary: { passed: number; failed: number; skipped: number; parsing_errors: number; resource_count: number };
  results: { failed_checks: { check_id: string; resource: string; file_path: string }[] };
}

describe('checkov over the golden renders', () => {
  let checkov = '';
  const work = mkdtempSync(join(tmpdir(), 'slipway-checkov-'));
  const reports = new Map<string, Report>();

  beforeAll(async () => {
    // idempotent: installs the pinned checkov into ~/.cache/slipway/tools/checkov-venv once
    checkov =
      execFileSync('bash', [join(repo, 'scripts/install-checkov.sh')], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .at(-1) ?? '';
    const scan = async (set: (typeof renderSets)[number]) => {
      const dir = join(work, set.name);
      mkdirSync(dir);
      for (const f of set.files) copyFileSync(f, join(dir, f.split('/').at(-1) ?? ''));
      const args = ['-d', dir, '--framework', 'kubernetes', '-o', 'json', '--compact', '--skip-download'];
      if (skips.length) args.push('--skip-check', skips.map((s) => s.id).join(','));
      // exit 1 means failed checks: the JSON report says which
      const out = await promisify(execFile)(checkov, args, { encoding: 'utf8', maxBuffer: 64 << 20 }).catch(
        (e: Error & { code?: number; stdout?: string; stderr?: string }) => {
          if (e.code === 1 && e.stdout) return { stdout: e.stdout };
          throw new Error(`checkov failed on ${set.name}: ${e.stderr || e.message}`);
        },
      );
      reports.set(set.name, JSON.parse(out.stdout) as Report);
    };
    // two at a time: the machine has two cores
    for (let i = 0; i < renderSets.length; i += 2) await Promise.all(renderSets.slice(i, i + 2).map(scan));
    const line = (name: string, r: Report) =>
      `${name.padEnd(22)} passed ${r.summary.passed}, failed ${r.summary.failed}, skipped ${r.summary.skipped}`;
    console.info(['checkov', ...[...reports].map(([name, r]) => line(name, r))].join('\n'));
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('lists every skipped check once, with a reason', () => {
    for (const s of skips) {
      expect(s.id).toMatch(/^CKV2?_K8S_\d+$/);
      expect(s.reason.trim().length, `${s.id} needs a reason`).toBeGreaterThan(10);
    }
    expect(new Set(skips.map((s) => s.id)).size).toBe(skips.length);
  });

  it.each(renderSets)('scans every object of $name', (set) => {
    const r = reports.get(set.name);
    expect(r?.summary.parsing_errors).toBe(0);
    expect(r?.summary.resource_count).toBeGreaterThanOrEqual(4);
    expect(r?.summary.passed).toBeGreaterThan(50);
  });

  it.each(renderSets.filter((s) => s.prod))('finds no failed check in the prod render $name', (set) => {
    const failed = reports.get(set.name)?.results.failed_checks ?? [];
    expect(failed.map((c) => `${c.check_id} ${c.resource} (${c.file_path})`)).toEqual([]);
  });

  it.each(renderSets.filter((s) => !s.prod))('fails only the expected checks in $name', (set) => {
    const failed = new Set((reports.get(set.name)?.results.failed_checks ?? []).map((c) => c.check_id));
    expect([...failed].sort()).toEqual(expectedFailures[set.name]);
  });
});
