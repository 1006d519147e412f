import { loadKubeAccess } from '@slipway/clients/kube/plain';
import { InputError, parseSyncConfig, SlipwayError, type RawSyncConfig, type SyncConfig } from '@slipway/core';
import { SecretSyncController } from './controller.js';
import { createSecretSyncController } from './create-controller.js';
import { startHealthServer } from './health-server.js';
import { createLogger, errorFields, type Logger } from './logger.js';

export interface RunIo {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Resolves when the process should stop (default: SIGTERM or SIGINT). */
  shutdown?: Promise<unknown>;
}

/** Validated configuration from the raw options; InputError lists every problem. */
export function loadSyncConfig(raw: RawSyncConfig, env: NodeJS.ProcessEnv): SyncConfig {
  const parsed = parseSyncConfig(raw, { vaultToken: !!env.VAULT_TOKEN, approleSecretId: !!env.VAULT_SECRET_ID });
  if (!parsed.ok) {
    throw new InputError(
      `invalid secret-sync options (${parsed.issues.length}):\n${parsed.issues.map((i) => `  ${i.option}: ${i.message}`).join('\n')}\n(see --help)`,
    );
  }
  return parsed.config;
}

/**
 * The controller process (`slipway-secret-sync`, `slipway secret-sync run`): returns the exit
 * code. With --once it runs one cycle (--dry-run prints the plan); otherwise it serves
 * /healthz /readyz /metrics and runs until SIGTERM, then releases the Lease and revokes its token.
 */
export async function runSecretSync(raw: RawSyncConfig, io: RunIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => void process.stderr.write(t));
  let logger: Logger | undefined;
  try {
    const config = loadSyncConfig(raw, env);
    logger = createLogger({ level: config.logLevel }, process.stderr);
    const controller = createSecretSyncController(config, {
      kubeConfig: loadKubeAccess({ kubeconfig: config.kubeconfig, context: config.kubeContext }),
      logger,
      env: { vaultToken: env.VAULT_TOKEN, secretId: env.VAULT_SECRET_ID },
      processMetrics: true,
    });
    if (config.once) {
      const report = await controller.runCycle();
      if (config.dryRun) out(SecretSyncController.formatPlan(report));
      await controller.stop();
      return report.result === 'failed' ? 1 : 0;
    }
    const { server, port } = await startHealthServer(controller, config.port, config.bind);
    logger.info({ port, mode: config.dryRun ? 'dry-run' : 'sync', interval: config.interval }, 'secret-sync started');
    await controller.start();
    await (io.shutdown ?? signalled());
    logger.info({}, 'shutting down: releasing the Lease, revoking the Vault token');
    await controller.stop({ release: true, revoke: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      err(`slipway-secret-sync: ${error.message}\n`);
      return error.exitCode;
    }
    if (logger) logger.error(errorFields(error), 'secret-sync failed');
    err(
      `slipway-secret-sync: ${error instanceof SlipwayError || error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
