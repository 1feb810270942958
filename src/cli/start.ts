// `scopegate start`: loads the config (every problem named, exit 2), starts the roles,
// prints what to open in development, and shuts down gracefully on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from '../config/index.ts';
import { DEMO_MERCHANT } from '../demo/index.ts';
import { type Role, type RunningSystem, startSystem } from '../main.ts';

function banner(sys: RunningSystem): string {
  const lines = ['', 'scopegate is running'];
  if (sys.urls.auth)
    lines.push(
      `  authorization server  ${sys.config.issuer}  (discovery: /.well-known/openid-configuration)`,
    );
  if (sys.urls.admin)
    lines.push(
      `  admin API             ${sys.urls.admin}/admin  (Authorization: Bearer <ADMIN_TOKEN>)`,
    );
  if (!sys.config.adminToken)
    lines.push(`  admin token (dev)     stored in ${sys.config.keysDir}/admin-token`);
  if (sys.config.demo) {
    lines.push(
      `  demo merchant         ${DEMO_MERCHANT.email} / ${DEMO_MERCHANT.password}  (sites ${DEMO_MERCHANT.sites.map((s) => s.id).join(', ')})`,
      `  demo app              demo-app (public client, PKCE); try the install at ${sys.config.issuer}/demo`,
    );
  }
  for (const c of sys.newCredentials) {
    lines.push(
      `  new app ${c.client_id}: credentials shown once — client_secret=${c.client_secret ?? '(public)'} webhook_secret=${c.webhook_secret}`,
    );
  }
  if (!sys.config.redisUrl)
    lines.push(
      '  store                 embedded in-memory (development only: nothing survives a restart)',
    );
  return `${lines.join('\n')}\n`;
}

export async function start(role: Role): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let sys: RunningSystem;
  try {
    config = loadConfig();
    sys = await startSystem({ config, role });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`scopegate: invalid configuration\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (config.nodeEnv !== 'production') process.stdout.write(banner(sys));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sys.logger.info({ signal }, 'shutting down');
    sys.close().then(
      () => process.exit(0),
      (err) => {
        sys.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
