// A restart of the process against the same Redis keeps apps, merchants and
// installations: the records, the sealed secrets and the tokens' grants.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  clientConfig,
  createMerchant,
  install,
  MERCHANT,
  manifest,
  registerApp,
} from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem } from '../support/system.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

it('keeps apps, merchants and installations across a restart', async () => {
  const keysDir = mkdtempSync(join(tmpdir(), 'sg-keys-'));
  const first = await startTestSystem({ redisUrl: redis.url, keysDir });
  const merchantId = await createMerchant(first);
  const app = await registerApp(first, manifest('restart-app'));
  const { tokens } = await install(first, app, { site: 's_shop' });
  const before = await first.admin('GET', '/admin/installations?app=restart-app');
  expect(before.body.installations).toHaveLength(1);
  await first.stop();

  const second = await startTestSystem({ redisUrl: redis.url, keysDir, ports: first.ports });
  try {
    expect((await second.admin('GET', '/admin/apps/restart-app')).status).toBe(200);
    const after = await second.admin('GET', '/admin/installations?app=restart-app');
    expect(after.body).toEqual(before.body);
    // The refresh token issued before the restart still works (grant and secret kept).
    const config = await clientConfig(second, app);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).toBeTypeOf('string');
    // The merchant can still sign in: a second site installs.
    const again = await install(second, app, { site: 's_blog', merchant: MERCHANT });
    expect(again.tokens.access_token).toBeTypeOf('string');
    const both = await second.admin('GET', `/admin/installations?merchant=${merchantId}`);
    expect(both.body.installations).toHaveLength(2);
  } finally {
    await second.stop();
  }
});
