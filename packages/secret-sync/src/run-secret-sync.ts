import { loadKubeConfig } from '@slipway/clients/kube';
import { InputError, parseSyncConfig, SlipwayError, syncOptionsHelp, type SyncConfig } from '@slipway/core';
import { rawConfigFrom } from './argv.js';
import { SecretSyncController } from './controller.js';
import { startHealthServer } from './health-server.js';
import { createLogger, errorFields, type Logger } from './logger.js';

export interface RunIo {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Resolves when the process should stop (default: SIGTERM or SIGINT). */
  shutdown?: Promise<unknown>;
}

const usage = `Usage: slipway-secret-sync [options]

Mirrors Vault KV v2 entries <mount>/<cluster>/<namespace>/<name> into Kubernetes Secrets.

Options (flag, or the environment variable in brackets):
${syncOptionsHelp()}
  --help                             this text

Secrets are read only from the environment or files: VAULT_TOKEN, VAULT_SECRET_ID.
Exit codes: 0 ok, 1 a cycle failed (--once), 2 invalid options.
`;

/** Validated configuration from flags and environment; InputError lists every problem. */
export function loadSyncConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { config?: SyncConfig; help: boolean } {
  const { raw, help } = rawConfigFrom(argv, env);
  if (help) return { help: true };
  const parsed = parseSyncConfig(raw, { vaultToken: !!env.VAULT_TOKEN, approleSecretId: !!env.VAULT_SECRET_ID });
  if (!parsed.ok) {
    throw new InputError(
      `invalid secret-sync options (${parsed.issues.length}):\n${parsed.issues.map((i) => `  ${i.option}: ${i.message}`).join('\n')}\n(see --help)`,
    );
  }
  return { config: parsed.config, help: false };
}

/**
 * `slipway-secret-sync` (and later `slipway secret-sync run`): returns the exit code.
 * With --once it runs one cycle (--dry-run prints the plan); otherwise it serves
 * /healthz /readyz /metrics and runs until SIGTERM, then releases the Lease and revokes its token.
 */
export async function runSecretSync(argv: readonly string[], io: RunIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => void process.stderr.write(t));
  let logger: Logger | undefined;
  try {
    const { config, help } = loadSyncConfig(argv, env);
    if (help || !config) {
      out(usage);
      return 0;
    }
    logger = createLogger({ level: config.logLevel }, process.stderr);
    const controller = new SecretSyncController(config, {
      kubeConfig: loadKubeConfig({ kubeconfig: config.kubeconfig, context: config.kubeContext }),
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
