// Starts the real scopegate gateway role for the bench, configured like the test system
// (temporary KEYS_DIR, NODE_ENV=test, silent logs, no demo) in front of the bench upstream.
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { startSystem } from '../../src/main.ts';
import type { BenchServer } from './bench-server.ts';

export interface GatewaySetup {
  keysDir: string;
  upstreamUrl: string;
  port: number;
}

/** The environment the gateway child is configured from (and tokens are minted for). */
export function gatewayEnv(setup: GatewaySetup): Record<string, string> {
  return {
    NODE_ENV: 'test',
    GATEWAY_PORT: String(setup.port),
    KEYS_DIR: setup.keysDir,
    PLATFORM_API_URL: setup.upstreamUrl,
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef0123',
    LOG_LEVEL: 'silent',
    DEMO: 'false',
  };
}

export async function startGateway(env: Record<string, string>): Promise<BenchServer> {
  const config = loadConfig({ env });
  const system = await startSystem({
    config,
    role: 'gateway',
    logger: createLogger({ level: config.logLevel }),
  });
  const url = system.urls.gateway;
  if (!url) throw new Error('the gateway role started no listener');
  return { url, close: () => system.close() };
}
