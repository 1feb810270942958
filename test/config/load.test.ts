// Loading the configuration: defaults, file < environment, every problem at once with
// its key, production's refusals, the built-in catalogue, a frozen result.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/index.ts';
import { SITEPACK_SCOPES_JSON } from '../../src/scopes/index.ts';

const TOKEN = 'admin-token-0123456789abcdef0123456789';
const COOKIE_KEY = 'cookie-key-0123456789abcdef0123456789';
const PRODUCTION = {
  NODE_ENV: 'production',
  ADMIN_TOKEN: TOKEN,
  REDIS_URL: 'redis://redis:6379',
  COOKIE_KEYS: COOKIE_KEY,
};

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): void {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
}

function problems(env: NodeJS.ProcessEnv): { path: string; message: string }[] {
  try {
    loadConfig({ env, configDir: dir });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('match DESIGN.md §1 when nothing is set', () => {
    const c = loadConfig({ env: {}, configDir: dir });
    expect(c).toMatchObject({
      nodeEnv: 'development',
      redisUrl: undefined,
      issuer: 'http://localhost:3000',
      authPort: 3000,
      gatewayPort: 8080,
      adminPort: 9090,
      adminHost: '127.0.0.1',
      adminToken: undefined,
      platformApiUrl: undefined,
      apiAudience: 'http://localhost:8080',
      accessTokenTtl: 600,
      refreshTokenTtl: 30 * 86_400,
      webhooksAllowPrivateAddresses: false,
      keysDir: resolve('keys'),
      configDir: dir,
      cookieKeys: undefined,
      logLevel: 'info',
      demo: true,
      apps: [],
      routes: undefined,
    });
    expect(c.scopes.entries.map((e) => e.scope)).toEqual(
      SITEPACK_SCOPES_JSON.scopes.map((s) => s.scope),
    );
  });

  it('reads the shipped config/ directory by default', () => {
    const c = loadConfig({ env: {} });
    expect(c.configDir).toBe(resolve('config'));
    expect(c.scopes.get('leads:read')?.sensitive).toBe('customer_data');
  });

  it('turns demo data off by default in production only', () => {
    expect(loadConfig({ env: { NODE_ENV: 'test' }, configDir: dir }).demo).toBe(true);
    expect(loadConfig({ env: PRODUCTION, configDir: dir }).demo).toBe(false);
  });
});

describe('sources', () => {
  it('parses and normalizes values from the environment', () => {
    const c = loadConfig({
      configDir: dir,
      env: {
        ISSUER: 'https://auth.example.com/',
        AUTH_PORT: '3100',
        WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: '1',
        DEMO: 'FALSE',
        KEYS_DIR: 'var/keys',
        COOKIE_KEYS: ` ${COOKIE_KEY}, ${COOKIE_KEY.toUpperCase()} `,
        PLATFORM_API_URL: 'http://platform:4000/v1/',
        LOG_LEVEL: 'debug',
      },
    });
    expect(c.issuer).toBe('https://auth.example.com');
    expect(c.authPort).toBe(3100);
    expect(c.webhooksAllowPrivateAddresses).toBe(true);
    expect(c.demo).toBe(false);
    expect(c.keysDir).toBe(resolve('var/keys'));
    expect(c.cookieKeys).toEqual([COOKIE_KEY, COOKIE_KEY.toUpperCase()]);
    expect(c.platformApiUrl).toBe('http://platform:4000/v1');
    expect(c.logLevel).toBe('debug');
  });

  it('lets the environment win over scopegate.json, which wins over defaults', () => {
    write('scopegate.json', {
      AUTH_PORT: 4000,
      GATEWAY_PORT: '4001',
      LOG_LEVEL: 'warn',
      DEMO: false,
    });
    const c = loadConfig({ configDir: dir, env: { AUTH_PORT: '5000', LOG_LEVEL: '' } });
    expect(c.authPort).toBe(5000);
    expect(c.gatewayPort).toBe(4001);
    expect(c.logLevel).toBe('warn');
    expect(c.demo).toBe(false);
    expect(c.adminPort).toBe(9090);
  });

  it('takes CONFIG_DIR from the environment', () => {
    write('scopegate.json', { ADMIN_PORT: 9191 });
    expect(loadConfig({ env: { CONFIG_DIR: dir } }).adminPort).toBe(9191);
  });

  it('reads scopes.json, apps/*.json in name order, and routes.json', () => {
    write('scopes.json', { scopes: [{ scope: 'orders:read', description: 'See orders.' }] });
    write('apps/b.json', { uuid: 'b-app' });
    write('apps/a.json', { uuid: 'a-app' });
    write('apps/notes.txt', 'ignored');
    write('routes.json', { routes: [] });
    const c = loadConfig({ env: {}, configDir: dir });
    expect(c.scopes.resources()).toEqual(['orders']);
    expect(c.apps).toEqual([
      { file: join(dir, 'apps', 'a.json'), manifest: { uuid: 'a-app' } },
      { file: join(dir, 'apps', 'b.json'), manifest: { uuid: 'b-app' } },
    ]);
    expect(c.routes).toEqual({ routes: [] });
  });
});

describe('problems', () => {
  it('reports every bad variable at once, naming its key and value', () => {
    expect(
      problems({
        AUTH_PORT: 'abc',
        GATEWAY_PORT: '70000',
        ISSUER: 'ftp://auth.example.com',
        ACCESS_TOKEN_TTL: '10',
        WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'maybe',
        LOG_LEVEL: 'loud',
        NODE_ENV: 'prod',
      }),
    ).toEqual([
      { path: 'NODE_ENV', message: 'expected one of development, production, test, got "prod"' },
      {
        path: 'ISSUER',
        message:
          'expected an absolute http(s) URL without query or fragment, got "ftp://auth.example.com"',
      },
      { path: 'AUTH_PORT', message: 'expected an integer 1-65535, got "abc"' },
      { path: 'GATEWAY_PORT', message: 'expected an integer 1-65535, got "70000"' },
      { path: 'ACCESS_TOKEN_TTL', message: 'expected an integer 60-86400 (seconds), got "10"' },
      {
        path: 'WEBHOOKS_ALLOW_PRIVATE_ADDRESSES',
        message: 'expected true, false, 1 or 0, got "maybe"',
      },
      {
        path: 'LOG_LEVEL',
        message: 'expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      },
    ]);
  });

  it('refuses URLs with credentials, a query or a fragment', () => {
    const found = problems({
      ISSUER: 'https://auth.example.com/#',
      API_AUDIENCE: 'https://api.example.com/?x',
      PLATFORM_API_URL: 'https://u:p@platform.example.com',
    });
    expect(found.map((p) => p.path)).toEqual(['ISSUER', 'PLATFORM_API_URL', 'API_AUDIENCE']);
  });

  it('lists them in the error message, one per line', () => {
    expect(() =>
      loadConfig({ env: { AUTH_PORT: 'abc', ADMIN_PORT: '0' }, configDir: dir }),
    ).toThrow(
      '2 configuration problems:\n  AUTH_PORT: expected an integer 1-65535, got "abc"\n  ADMIN_PORT: expected an integer 1-65535, got "0"',
    );
  });

  it('never echoes a secret', () => {
    const found = problems({
      ADMIN_TOKEN: 'short secret',
      COOKIE_KEYS: 'tiny',
      REDIS_URL: 'http://user:hunter2@redis',
    });
    expect(found.map((p) => p.path)).toEqual(['REDIS_URL', 'ADMIN_TOKEN', 'COOKIE_KEYS']);
    const text = JSON.stringify(found);
    for (const secret of ['short secret', 'tiny', 'hunter2']) expect(text).not.toContain(secret);
  });

  it('names problems in files by file and key', () => {
    write('scopegate.json', { AUTH_PORT: 'x', PORT: 3000, CONFIG_DIR: '/elsewhere' });
    write('scopes.json', { scopes: [{ scope: 'content:*', description: 'all' }] });
    write('apps/broken.json', '{"uuid":');
    expect(problems({}).map((p) => p.path)).toEqual([
      'scopegate.json#PORT',
      'scopegate.json#CONFIG_DIR',
      'scopegate.json#AUTH_PORT',
      'scopes.json#scopes[0].scope',
      'apps/broken.json',
    ]);
  });

  it('refuses a scopegate.json that is not an object, and a missing CONFIG_DIR', () => {
    write('scopegate.json', '[]');
    expect(problems({})).toEqual([
      { path: 'scopegate.json', message: 'must be a JSON object of settings' },
    ]);
    expect(problems({}).length).toBe(1);
    expect(() => loadConfig({ env: { CONFIG_DIR: join(dir, 'nope') } })).toThrow(
      /CONFIG_DIR: expected a directory/,
    );
  });

  it('refuses a refresh token that outlives nothing', () => {
    expect(problems({ ACCESS_TOKEN_TTL: '7200', REFRESH_TOKEN_TTL: '3600' })).toEqual([
      { path: 'REFRESH_TOKEN_TTL', message: 'must not be shorter than ACCESS_TOKEN_TTL' },
    ]);
  });
});

describe('production', () => {
  it('starts with a token, Redis and cookie keys', () => {
    const c = loadConfig({ env: PRODUCTION, configDir: dir });
    expect(c.nodeEnv).toBe('production');
    expect(c.redisUrl).toBe('redis://redis:6379');
  });

  it('refuses every development default at once', () => {
    expect(problems({ NODE_ENV: 'production', DEMO: 'true' })).toEqual([
      { path: 'ADMIN_TOKEN', message: 'required in production, at least 32 characters' },
      {
        path: 'REDIS_URL',
        message: 'required in production (the in-memory store is development-only)',
      },
      {
        path: 'COOKIE_KEYS',
        message: 'required in production (generated development keys are refused)',
      },
      { path: 'DEMO', message: 'demo data is refused in production' },
    ]);
  });

  it('refuses an admin token shorter than 32 characters', () => {
    expect(problems({ ...PRODUCTION, ADMIN_TOKEN: 'x'.repeat(31) }).map((p) => p.path)).toEqual([
      'ADMIN_TOKEN',
    ]);
  });

  it('reports production refusals together with bad values', () => {
    expect(
      problems({ NODE_ENV: 'production', AUTH_PORT: 'abc', ADMIN_TOKEN: TOKEN }).map((p) => p.path),
    ).toEqual(['AUTH_PORT', 'REDIS_URL', 'COOKIE_KEYS']);
  });
});

describe('the result', () => {
  it('is frozen all the way down', () => {
    write('apps/a.json', { uuid: 'a-app', auth: { scopes: ['content:read'] } });
    const c = loadConfig({ env: { COOKIE_KEYS: COOKIE_KEY }, configDir: dir });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.cookieKeys)).toBe(true);
    expect(Object.isFrozen(c.apps)).toBe(true);
    expect(Object.isFrozen(c.apps[0]?.manifest)).toBe(true);
    expect(Object.isFrozen(c.scopes)).toBe(true);
    expect(() => {
      (c as { authPort: number }).authPort = 1;
    }).toThrow(TypeError);
  });

  it('describes itself without secrets', () => {
    const c = loadConfig({
      configDir: dir,
      env: {
        ADMIN_TOKEN: TOKEN,
        COOKIE_KEYS: COOKIE_KEY,
        REDIS_URL: 'redis://user:hunter2@redis:6379/2',
      },
    });
    const summary = describeConfig(c);
    const text = JSON.stringify(summary);
    for (const secret of [TOKEN, COOKIE_KEY, 'hunter2']) expect(text).not.toContain(secret);
    expect(summary).toMatchObject({
      adminToken: 'set',
      cookieKeys: '1 configured',
      store: 'redis://user:***@redis:6379/2',
    });
    expect(summary.scopes).toContain('payments:write');
  });
});
