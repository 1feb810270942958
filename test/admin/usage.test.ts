// GET /admin/usage through the real system: an app approved content:write + leads:read
// that only reads content through the gateway is told, once the gateway has flushed its
// counts to Redis, to ask for content:read instead, and that leads:read went unused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  install,
  manifest,
  REDIRECT_URI,
  type RegisteredApp,
  registerApp,
} from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let redis: TestRedis;
let sys: TestSystem;
let app: RegisteredApp;
let shop: string;
let blog: string;

const APP_ID = 'usage-app';

async function installationOn(site: string): Promise<string> {
  const res = await sys.admin('GET', `/admin/installations?app=${APP_ID}&site=${site}`);
  return res.body.installations[0].id;
}

async function gatewayGet(token: string, path: string): Promise<number> {
  const res = await fetch(`${sys.gatewayUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await res.arrayBuffer();
  return res.status;
}

/** Polls the report until `done` holds: the gateway flushes its counts every few seconds. */
async function reportWhen(done: (body: any) => boolean, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await sys.admin('GET', `/admin/usage?app=${APP_ID}`);
    expect(res.status).toBe(200);
    if (done(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`usage not flushed: ${JSON.stringify(res.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const scopeRow = (body: any, installation: string, scope: string) =>
  body.installations
    .find((i: { id: string }) => i.id === installation)
    ?.scopes.find((s: { scope: string }) => s.scope === scope);

beforeAll(async () => {
  redis = await startRedis();
  sys = await startTestSystem({ redisUrl: redis.url });
  await createMerchant(sys);
  app = await registerApp(
    sys,
    manifest(APP_ID, {
      auth: {
        scopes: ['content:write', 'leads:read'],
        optional_scopes: [],
        redirect_uris: [REDIRECT_URI],
        client_type: 'confidential',
      },
    }),
  );
  const scope = 'content:write leads:read';
  const { tokens } = await install(sys, app, { scope, site: 's_shop' });
  await install(sys, app, { scope, site: 's_blog' });
  [shop, blog] = await Promise.all([installationOn('s_shop'), installationOn('s_blog')]);
  for (const path of ['/api/content', '/api/content/content-1', '/api/content/content-1']) {
    expect(await gatewayGet(tokens.access_token, path)).toBe(200);
  }
});
afterAll(async () => {
  await sys?.stop();
  await redis?.stop();
});

describe('GET /admin/usage', () => {
  it('reports a write scope used only for reads, with the read scope suggested', async () => {
    const body = await reportWhen((b) => scopeRow(b, shop, 'content:write')?.count === 3);
    const start = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    expect(body.app).toBe(APP_ID);
    expect(body.since).toBe(`${start}T00:00:00.000Z`);
    expect(Date.parse(body.until)).toBeLessThanOrEqual(Date.now());
    expect(body.installations.map((i: { id: string }) => i.id).sort()).toEqual([shop, blog].sort());
    const shopReview = body.installations.find((i: { id: string }) => i.id === shop);
    expect(shopReview).toMatchObject({
      site: 's_shop',
      approved_scopes: ['content:write', 'leads:read'],
      revoked_at: null,
    });
    expect(shopReview.scopes).toEqual([
      {
        scope: 'content:write',
        count: 3,
        last_used: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        last_write: null,
        status: 'write_used_only_for_reads',
        suggestion: 'content:read',
      },
      { scope: 'leads:read', count: 0, last_used: null, status: 'unused' },
    ]);
    expect(scopeRow(body, blog, 'content:write')).toMatchObject({ count: 0, status: 'unused' });
    expect(body.summary).toEqual({
      unused: [{ scope: 'leads:read', installations: expect.arrayContaining([shop, blog]) }],
      write_only_read: [
        {
          scope: 'content:write',
          suggestion: 'content:read',
          installations: expect.arrayContaining([shop, blog]),
        },
      ],
    });
  });

  it('counts today in the shortest window, whether given as 1d or as the date', async () => {
    await reportWhen((b) => scopeRow(b, shop, 'content:write')?.count === 3);
    const res = await sys.admin('GET', `/admin/usage?app=${APP_ID}&since=1d`);
    expect(scopeRow(res.body, shop, 'content:write')?.count).toBe(3);
    const today = new Date().toISOString().slice(0, 10);
    const fromToday = await sys.admin('GET', `/admin/usage?app=${APP_ID}&since=${today}`);
    expect(fromToday.body.since).toBe(`${today}T00:00:00.000Z`);
    expect(scopeRow(fromToday.body, shop, 'content:write')?.status).toBe(
      'write_used_only_for_reads',
    );
  });

  it('names every bad parameter in one 400', async () => {
    const res = await sys.admin('GET', '/admin/usage?since=0d&include_revoked=maybe&sinse=30d');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'app',
      'include_revoked',
      'since',
      'sinse',
    ]);
    const future = await sys.admin('GET', `/admin/usage?app=${APP_ID}&since=2999-01-01`);
    expect(future.status).toBe(400);
    expect(future.body.details).toEqual([
      { path: 'since', message: '2999-01-01 is in the future' },
    ]);
    const twice = await sys.admin('GET', `/admin/usage?app=${APP_ID}&app=other`);
    expect(twice.status).toBe(400);
    expect(twice.body.details).toEqual([{ path: 'app', message: 'given more than once' }]);
  });

  it('answers 404 for an unknown app and 401 without the admin token', async () => {
    const res = await sys.admin('GET', '/admin/usage?app=no-such-app');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    expect((await sys.admin('GET', `/admin/usage?app=${APP_ID}`, undefined, 'nope')).status).toBe(
      401,
    );
  });

  it('leaves revoked installations out unless include_revoked=true', async () => {
    const revoked = await sys.admin('POST', `/admin/installations/${blog}/revoke`, {
      reason: 'usage test',
    });
    expect(revoked.status).toBe(200);
    const live = await sys.admin('GET', `/admin/usage?app=${APP_ID}`);
    expect(live.body.installations.map((i: { id: string }) => i.id)).toEqual([shop]);
    expect(live.body.summary.unused).toEqual([{ scope: 'leads:read', installations: [shop] }]);
    const all = await sys.admin('GET', `/admin/usage?app=${APP_ID}&include_revoked=true`);
    const ids = all.body.installations.map((i: { id: string; revoked_at: string | null }) => [
      i.id,
      i.revoked_at !== null,
    ]);
    expect(ids).toEqual(
      expect.arrayContaining([
        [shop, false],
        [blog, true],
      ]),
    );
  });
});
