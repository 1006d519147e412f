import { InputError } from '@slipway/core';
import { GateClient, GateError, type GateClientOptions } from '@slipway/clients/gate';
import type { SlipwayEnv } from '../../env.js';

/** The flags that say which Gate and how to authenticate (each x509 path overrides its SLIPWAY_GATE_* variable). */
export interface GateFlags {
  gate?: string | undefined;
  gateCert?: string | undefined;
  gateKey?: string | undefined;
  gateCa?: string | undefined;
}

/** Makes the Gate client: a seam for tests and the bench. */
export type ConnectGate = (options: GateClientOptions) => GateClient;

/**
 * The Gate client of a command: `--gate`, else `spinnaker.gate` of slipway.yaml; Bearer
 * (SLIPWAY_GATE_TOKEN), else Basic (SLIPWAY_GATE_USERNAME/PASSWORD); x509 client certificate and
 * CA from the flags or SLIPWAY_GATE_CERT/KEY/CA. Probed with `GET /version` before anything else.
 */
export async function connectGate(
  env: SlipwayEnv,
  flags: GateFlags,
  catalogGate: string | undefined,
  connect: ConnectGate = (o) => new GateClient(o),
): Promise<GateClient> {
  const url = flags.gate ?? catalogGate;
  if (!url)
    throw new InputError(
      'no Gate to talk to: set spinnaker.gate in slipway.yaml or pass --gate https://gate.example.com',
    );
  if (!/^https?:\/\/[^\s/]+/.test(url))
    throw new InputError(`--gate ${url} is not an http(s) URL; pass e.g. https://gate.example.com`);
  const { token, username, password } = env.gate;
  if ((username === undefined) !== (password === undefined))
    throw new InputError('set both SLIPWAY_GATE_USERNAME and SLIPWAY_GATE_PASSWORD for Basic auth, or neither');
  const cert = flags.gateCert ?? env.gate.cert;
  const key = flags.gateKey ?? env.gate.key;
  if ((cert === undefined) !== (key === undefined))
    throw new InputError(
      'an x509 client certificate needs both --gate-cert and --gate-key (or SLIPWAY_GATE_CERT and SLIPWAY_GATE_KEY)',
    );
  const client = connect({
    url,
    auth: { token, ...(username && password ? { basic: { username, password } } : {}) },
    tls: { caFile: flags.gateCa ?? env.gate.ca, certFile: cert, keyFile: key },
  });
  try {
    await client.version();
  } catch (e) {
    if (e instanceof GateError && (e.status === 401 || e.status === 403))
      throw new GateError(
        e.call,
        e.status,
        `${e.serverMessage} (slipway sent ${token ? 'SLIPWAY_GATE_TOKEN' : username ? 'SLIPWAY_GATE_USERNAME/PASSWORD' : cert ? 'the client certificate' : 'no credentials'}; set SLIPWAY_GATE_TOKEN, SLIPWAY_GATE_USERNAME and SLIPWAY_GATE_PASSWORD, or --gate-cert and --gate-key)`,
        e.body,
      );
    throw e;
  }
  return client;
}
