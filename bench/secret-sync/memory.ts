// bench/secret-sync/memory.ts: what the controller keeps per Secret between cycles, in heap bytes.
// Builds N of each structure from the shapes the controller really gets (a Secret as the apiserver
// answers a create or a watch event, KV v2 metadata as a SCAN lists it, the data as a read returns
// it), keeps them alive the way the controller does, and reports the heap growth per entry after a
// full GC. No platform needed:
//   npx tsc -p bench/secret-sync && node --expose-gc bench/secret-sync/dist/memory.js
// Environment: N (10000).
import {
  desiredSecret,
  metadataFingerprint,
  parseSecretKey,
  summarizeSecret,
  type KvMetadata,
  type SecretLike,
} from '@slipway/core';

const n = Number(process.env['N'] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Heap bytes per entry that `make(i)` keeps alive. */
function perEntry(label: string, make: (i: number) => unknown): { label: string; bytes: number } {
  const before = heap();
  const kept: unknown[] = new Array<unknown>(n);
  for (let i = 0; i < n; i++) kept[i] = make(i);
  const bytes = Math.round((heap() - before) / n);
  if (kept.length !== n) throw new Error('unreachable');
  return { label, bytes };
}

const cluster = 'bench';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const ns = (i: number) => `bench-${String(Math.floor(i / 50)).padStart(3, '0')}`;
const name = (i: number) => `secret-${i % 50}`;
const now = new Date();

/** The object a create answer or a watch event carries (JSON as the apiserver sends it, parsed). */
function apiSecret(i: number): SecretLike {
  const path = `k8s-secret/${cluster}/${ns(i)}/${name(i)}`;
  return JSON.parse(
    JSON.stringify({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {
        name: name(i),
        namespace: ns(i),
        uid: crypto.randomUUID(),
        resourceVersion: String(100_000 + i),
        creationTimestamp: now.toISOString(),
        labels: { 'app.kubernetes.io/managed-by': 'slipway-secret-sync' },
        annotations: {
          'secret-sync.slipway.dev/vault-path': path,
          'secret-sync.slipway.dev/vault-version': '1',
          'secret-sync.slipway.dev/data-hash': `sha256:${'ab'.repeat(32)}`,
          'secret-sync.slipway.dev/extra-metadata': '{"labels":[],"annotations":[]}',
        },
        managedFields: [
          {
            manager: 'slipway-secret-sync',
            operation: 'Update',
            apiVersion: 'v1',
            time: now.toISOString(),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:data': { '.': {}, 'f:password': {}, 'f:port': {}, 'f:username': {} },
              'f:metadata': {
                'f:annotations': {
                  '.': {},
                  'f:secret-sync.slipway.dev/data-hash': {},
                  'f:secret-sync.slipway.dev/extra-metadata': {},
                  'f:secret-sync.slipway.dev/vault-path': {},
                  'f:secret-sync.slipway.dev/vault-version': {},
                },
                'f:labels': { '.': {}, 'f:app.kubernetes.io/managed-by': {} },
              },
              'f:type': {},
            },
          },
        ],
      },
      data: { password: b64(`pw-${i.toString(36)}abcdefgh`), port: b64('5432'), username: b64(`user-${path}`) },
      type: 'Opaque',
    }),
  ) as SecretLike;
}

function kvMetadata(): KvMetadata {
  const t = now.toISOString();
  return JSON.parse(
    JSON.stringify({
      current_version: 1,
      versions: { '1': { created_time: t, deletion_time: '', destroyed: false } },
      custom_metadata: null,
    }),
  ) as KvMetadata;
}

function desired(i: number) {
  const relative = `${ns(i)}/${name(i)}`;
  const parsed = parseSecretKey(relative);
  if (!parsed.ok) throw new Error(relative);
  const path = `k8s-secret/${cluster}/${relative}`;
  const data = JSON.parse(
    JSON.stringify({ username: `user-${path}`, password: `pw-${i.toString(36)}abcdefgh`, port: 5432 }),
  ) as Record<string, unknown>;
  const r = desiredSecret(parsed.ref, path, { version: 1, data, customMetadata: null });
  if (!r.ok) throw new Error(r.issues.join('; '));
  return { path, secret: r.secret };
}

const rows = [
  perEntry('Secret object as parsed from the API (create answer / watch event)', (i) => apiSecret(i)),
  perEntry('ExistingSecret (watch cache entry, summarizeSecret)', (i) => summarizeSecret(apiSecret(i))),
  perEntry('KV v2 metadata as listed (SCAN key_info entry)', () => kvMetadata()),
  perEntry('DesiredSecret (data, labels, annotations, hash)', (i) => desired(i).secret),
  perEntry('Vault tree memory entry (path → fingerprint + desired state)', (i) => {
    const d = desired(i);
    return [
      d.path,
      { fingerprint: metadataFingerprint(kvMetadata(), now), state: { kind: 'desired', desired: d.secret } },
    ];
  }),
];

const widest = Math.max(...rows.map((r) => r.label.length));
console.log(`heap bytes kept per entry (N=${n}, node ${process.version})`);
for (const r of rows)
  console.log(
    `${r.label.padEnd(widest)}  ${String(r.bytes).padStart(6)} B  ${((r.bytes * n) / 2 ** 20).toFixed(1)} MiB at N`,
  );
