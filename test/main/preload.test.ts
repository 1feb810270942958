// Apps preloaded from CONFIG_DIR/apps are validated at start: a bad manifest stops the
// start with every problem named by file and key, like any other configuration error; a
// good one is registered once, installs, and is the same app after a restart.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.ts';
import { createMerchant, install, MERCHANT, manifest } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem } from '../support/system.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

it('refuses to start with a bad preloaded manifest, naming each problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
  mkdirSync(join(dir, 'apps'));
  writeFileSync(
    join(dir, 'apps', 'bad.json'),
    JSON.stringify({
      uuid: 'bad',
      name: 'Bad',
      auth: { scopes: ['nope:read'], redirect_uris: ['http://evil.example/cb'] },
    }),
  );
  const failure = await startTestSystem({ env: { CONFIG_DIR: dir } }).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ConfigError);
  const paths = (failure as ConfigError).problems.map((p) => p.path);
  expect(paths).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/bad\.json auth\.scopes\[0\]$/),
      expect.stringMatching(/bad\.json auth\.redirect_uris\[0\]$/),
    ]),
  );
});

it('registers a preloaded app at start, and finds it again after a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
  mkdirSync(join(dir, 'apps'));
  const declared = manifest('preloaded-app');
  writeFileSync(join(dir, 'apps', 'preloaded.json'), JSON.stringify(declared));
  const keysDir = mkdtempSync(join(tmpdir(), 'sg-keys-'));
  const opts = { redisUrl: redis.url, keysDir, env: { CONFIG_DIR: dir } };

  const first = await startTestSystem(opts);
  let credentials: (typeof first.newCredentials)[number] | undefined;
  try {
    expect(first.newCredentials.map((c) => c.client_id)).toEqual(['preloaded-app']);
    credentials = first.newCredentials[0]!;
    expect(credentials.client_secret).toMatch(/^sgcs_/);
    const shown = await first.admin('GET', '/admin/apps/preloaded-app');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ client_id: 'preloaded-app', name: declared.name });
    expect(shown.body.manifest.auth.scopes).toEqual(declared.auth.scopes);
    await createMerchant(first);
    const { tokens } = await install(first, credentials, { keepOptional: ['media:read'] });
    const [, body] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
    expect(claims).toMatchObject({
      client_id: 'preloaded-app',
      scope: 'content:read media:read leads:write',
    });
  } finally {
    await first.stop();
  }

  const second = await startTestSystem({ ...opts, ports: first.ports });
  try {
    // Already registered: no new credentials, one app, and the first secret still works.
    expect(second.newCredentials).toEqual([]);
    const apps = await second.store.apps.list();
    expect(apps.map((a) => a.id)).toEqual(['preloaded-app']);
    expect((await second.admin('GET', '/admin/apps/preloaded-app')).status).toBe(200);
    const again = await install(second, credentials, { site: 's_blog', merchant: MERCHANT });
    expect(again.tokens.access_token).toBeTypeOf('string');
  } finally {
    await second.stop();
  }
});
