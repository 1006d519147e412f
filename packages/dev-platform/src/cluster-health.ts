import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { ClusterHandle } from './platform.js';

/** A cluster's fake nodes as its apiserver reports them, or why it did not answer. */
export type ClusterHealth = { up: true; nodes: number; ready: number } | { up: false; reason: string };

interface NodeList {
  items?: { status?: { conditions?: { type?: string; status?: string }[] } }[];
}

/**
 * Lists cluster k's nodes with its CA and the admin token. An apiserver that is gone or does not
 * answer within `timeoutMs` (a stopped process keeps its port open) is down, never a hang.
 */
export async function clusterHealth(cluster: ClusterHandle, timeoutMs = 3000): Promise<ClusterHealth> {
  let ca: string;
  try {
    ca = readFileSync(cluster.caFile, 'utf8');
  } catch {
    return { up: false, reason: 'no serving certificate' };
  }
  const answer = await new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
    const req = request(
      `${cluster.server}/api/v1/nodes`,
      { ca, headers: { authorization: `Bearer ${cluster.token}` }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ ...(res.statusCode ? { status: res.statusCode } : {}), body }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000}s`)));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end();
  });
  if (answer.error !== undefined) return { up: false, reason: answer.error };
  if (answer.status !== 200) return { up: false, reason: `HTTP ${answer.status}` };
  let items: NonNullable<NodeList['items']>;
  try {
    items = (JSON.parse(answer.body ?? '{}') as NodeList).items ?? [];
  } catch {
    return { up: false, reason: 'not a node list' };
  }
  const ready = items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return { up: true, nodes: items.length, ready: ready.length };
}
