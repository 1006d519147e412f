import { Agent as HttpsAgent } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The kept-alive agents of this process, one per TLS identity (CA, client certificate, checks) and size. */
const agents = new Map<string, HttpsAgent>();
const maxAgents = 8;

/**
 * The KubeConfig, made to reuse connections: client-node builds a fresh https.Agent for every
 * request (its generated APIs, KubernetesObjectApi and Watch alike), so each call pays a TLS
 * handshake on both ends — 47 of them for one `slipway deploy`. Here each of those agents is
 * swapped for the process's kept-alive agent with the same TLS options (a rotated client
 * certificate gets its own). Proxy agents stay as they are. Idle kept-alive sockets do not keep
 * the process alive (Node unrefs them).
 */
export function shareConnections(kc: KubeConfig): KubeConfig {
  const applyAuth = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (context) => {
    await applyAuth(context);
    const shared = sharedAgentFor(context.getAgent());
    if (shared) context.setAgent(shared);
  };
  const applyHttps = kc.applyToHTTPSOptions.bind(kc);
  kc.applyToHTTPSOptions = async (opts) => {
    await applyHttps(opts);
    const withAgent = opts as { agent?: unknown };
    const shared = sharedAgentFor(withAgent.agent);
    if (shared) withAgent.agent = shared;
  };
  return kc;
}

/**
 * The kept-alive agent (at most `maxSockets` connections) with the TLS options of a plain
 * https.Agent that client-node made for one request; undefined for anything else (a proxy agent).
 */
export function sharedAgentFor(fresh: unknown, maxSockets = Infinity): HttpsAgent | undefined {
  if (!(fresh instanceof HttpsAgent) || fresh.constructor !== HttpsAgent) return undefined;
  const o = fresh.options;
  const key = [o.ca, o.cert, o.key, o.pfx, o.passphrase, o.rejectUnauthorized, o.servername, maxSockets]
    .map(String)
    .join('\0');
  let agent = agents.get(key);
  if (!agent) {
    agent = new HttpsAgent({ ...o, keepAlive: true, maxSockets });
    agents.set(key, agent);
    // a long-running process whose certificate rotates keeps only the recent ones
    if (agents.size > maxAgents) {
      const [oldKey, old] = agents.entries().next().value as [string, HttpsAgent];
      agents.delete(oldKey);
      old.destroy();
    }
  }
  return agent;
}
