import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { helmOption, parseDuration, timeoutOption } from '../flags.js';

/** `--listen host:port` (port 0: any free port, printed at start). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port >= 0 && port <= 65535))
    throw new InvalidArgumentError('must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080 (port 0: any free port).');
  return { host: (m[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

export function serveCommand() {
  return new Command('serve')
    .description('the engine as a web service: board, deploy form, live runs, JSON API, webhooks, Slack notifications')
    .option('--catalog <dir>', 'catalog directory', '.')
    .addOption(
      new Option('--listen <host:port>', 'address to listen on')
        .argParser(parseListen)
        .default({ host: '127.0.0.1', port: 8080 }, '127.0.0.1:8080'),
    )
    .option(
      '--users <file>',
      'users allowed to sign in: one `name:bcrypt-hash[:group,group]` a line (htpasswd -B, then the groups)',
    )
    .option(
      '--auth-proxy <addresses>',
      "sign-in by an auth proxy's trusted headers, accepted only from these IP addresses or CIDR ranges (comma-separated)",
    )
    .option('--auth-proxy-user-header <name>', "the proxy's header naming the user", 'X-Forwarded-User')
    .option(
      '--auth-proxy-email-header <name>',
      'the header naming the user when the user header is absent',
      'X-Forwarded-Email',
    )
    .option(
      '--auth-proxy-groups-header <name>',
      "the proxy's header with the user's groups (comma-separated)",
      'X-Forwarded-Groups',
    )
    .option('--runs-namespace <name>', 'namespace of the run records', 'slipway-runs')
    .option('--runs-cluster <name>', "the catalog cluster that keeps the run records (default: slipway.yaml's first)")
    .option('--public-url <url>', 'the address people reach the server at (links in Slack messages)')
    .option(
      '--hook-secrets <dir>',
      'webhook secrets: <dir>/<service>.<trigger>, else $SLIPWAY_HOOK_SECRET_<SERVICE>_<TRIGGER>',
    )
    .option(
      '--vault-secrets <mount/path>',
      "webhook secrets (hook.<service>.<trigger>) and Slack token from this Vault KV v2 entry (login: slipway.yaml's vault)",
    )
    .option('--insecure-cookies', 'session cookie without Secure: only for plain HTTP on a loopback address')
    .addOption(timeoutOption())
    .addOption(
      new Option(
        '--shutdown-grace <duration>',
        'on SIGTERM, how long running deploys may finish before they are recorded interrupted',
      )
        .argParser(parseDuration)
        .default(60_000, '60s'),
    )
    .addOption(helmOption())
    .action(async (opts) => {
      const { serveApp } = await import('../app/serve.js');
      await serveApp(opts);
    });
}
