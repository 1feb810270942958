// Starts the real scopegate (every role) for a test: free ports, a temporary KEYS_DIR,
// the default config/ and either the in-memory store or a given Redis.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { type RunningSystem, startSystem } from '../../src/main.ts';
import { freePort } from './ports.ts';

export interface TestSystem extends RunningSystem {
  issuer: string;
  ports: { auth: number; admin: number; gateway: number };
  gatewayUrl: string;
  adminUrl: string;
  /** JSON request to the admin API with the admin token. */
  admin(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startTestSystem(
  opts: {
    redisUrl?: string;
    keysDir?: string;
    env?: Record<string, string>;
    ports?: { auth: number; admin: number; gateway: number };
    /** The system's logger (default: LOG_LEVEL, or silent, to stdout). */
    logger?: Logger;
  } = {},
): Promise<TestSystem> {
  const authPort = opts.ports?.auth ?? (await freePort());
  const adminPort = opts.ports?.admin ?? (await freePort());
  const gatewayPort = opts.ports?.gateway ?? (await freePort());
  const keysDir = opts.keysDir ?? mkdtempSync(join(tmpdir(), 'sg-keys-'));
  const issuer = `http://localhost:${authPort}`;
  const config = loadConfig({
    env: {
      NODE_ENV: 'test',
      ISSUER: issuer,
      AUTH_PORT: String(authPort),
      ADMIN_PORT: String(adminPort),
      GATEWAY_PORT: String(gatewayPort),
      ADMIN_TOKEN: 'test-admin-token-0123456789abcdef0123',
      KEYS_DIR: keysDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DEMO: 'false',
      WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_RETRY_SCHEDULE: '0.1,0.2,0.3',
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
      ...opts.env,
    },
  });
  const sys = await startSystem({
    config,
    logger: opts.logger ?? createLogger({ level: config.logLevel }),
  });
  const adminUrl = sys.urls.admin ?? '';
  return {
    ...sys,
    issuer,
    ports: { auth: authPort, admin: adminPort, gateway: gatewayPort },
    gatewayUrl: sys.urls.gateway ?? '',
    adminUrl,
    async admin(method, path, body, token = sys.adminToken) {
      const res = await fetch(`${adminUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed };
    },
    async stop() {
      await sys.close();
      if (!opts.keysDir) rmSync(keysDir, { recursive: true, force: true });
    },
  };
}
