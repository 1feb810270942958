// What of the configuration may be logged: everything but secrets. The admin token and
// cookie keys are reduced to whether they are set, the Redis password is masked.
import type { Config } from './types.ts';

/** A log-safe view of {@link Config}. */
export interface ConfigSummary {
  nodeEnv: Config['nodeEnv'];
  store: string;
  issuer: string;
  authPort: number;
  gatewayPort: number;
  adminPort: number;
  adminHost: string;
  adminToken: 'set' | 'unset';
  platformApiUrl: string;
  apiAudience: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  webhooksAllowPrivateAddresses: boolean;
  keysDir: string;
  configDir: string;
  cookieKeys: string;
  logLevel: Config['logLevel'];
  demo: boolean;
  gatewayMaxBodyBytes: number;
  upstreamTimeoutMs: number;
  scopes: string[];
  apps: string[];
  routes: 'routes.json' | 'default';
}

function maskedRedis(url: string | undefined): string {
  if (!url) return 'embedded in-memory (development only)';
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

/** The configuration as it may appear in a log line: no token, no key, no password. */
export function describeConfig(c: Config): ConfigSummary {
  return {
    nodeEnv: c.nodeEnv,
    store: maskedRedis(c.redisUrl),
    issuer: c.issuer,
    authPort: c.authPort,
    gatewayPort: c.gatewayPort,
    adminPort: c.adminPort,
    adminHost: c.adminHost,
    adminToken: c.adminToken ? 'set' : 'unset',
    platformApiUrl: c.platformApiUrl ?? 'built-in demo platform API',
    apiAudience: c.apiAudience,
    accessTokenTtl: c.accessTokenTtl,
    refreshTokenTtl: c.refreshTokenTtl,
    webhooksAllowPrivateAddresses: c.webhooksAllowPrivateAddresses,
    keysDir: c.keysDir,
    configDir: c.configDir,
    cookieKeys: c.cookieKeys
      ? `${c.cookieKeys.length} configured`
      : 'development keys from KEYS_DIR',
    logLevel: c.logLevel,
    demo: c.demo,
    gatewayMaxBodyBytes: c.gatewayMaxBodyBytes,
    upstreamTimeoutMs: c.upstreamTimeoutMs,
    scopes: c.scopes.entries.map((e) => e.scope),
    apps: c.apps.map((a) => a.file),
    routes: c.routes === undefined ? 'default' : 'routes.json',
  };
}
