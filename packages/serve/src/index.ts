import { buildServer, type ServeOptions } from './server.js';

export type { BoardStatus, ClusterHistory, ClusterReach, EngineEvent, HistoryEntry, ServeEngine } from './engine.js';
export type {
  CanaryRequest,
  DeployRequest,
  RollbackRequest,
  RunApproval,
  RunRequest,
  RunSummary,
} from './pure/run-state.js';
export { parseUsersFile, type UserEntry } from './pure/users-file.js';
export { parseProxyAddresses, proxyHeader, type AuthProxyOptions } from './auth-proxy.js';
export { permissionRefusal, type Identity, type StackAction } from './pure/permissions.js';
export { buildServer, type ServeOptions } from './server.js';
export type { SlackTarget } from './slack.js';

/**
 * Runs the server until SIGINT or SIGTERM: then it stops taking requests, lets running deploys
 * finish for up to `graceMs`, records those still running as interrupted, and returns.
 */
export async function serve(
  options: ServeOptions & { host: string; port: number; graceMs: number; onListening: (url: string) => void },
): Promise<void> {
  const { app, runs } = await buildServer(options);
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.onListening(`http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  app.log.info({ signal, running: runs.running }, 'shutting down');
  const closing = app.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([runs.drain(), new Promise((r) => (timer = setTimeout(r, options.graceMs)))]);
  clearTimeout(timer);
  await runs.interruptAll(`the server stopped (${signal}) while it ran`);
  await closing;
}
