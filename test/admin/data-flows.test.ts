// Operator-approved data flows through the real admin API on a real Redis: the lifecycle
// (create, list, delete), every problem named at once, and customer-data scopes only.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { manifest, registerApp } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let redis: TestRedis;
let sys: TestSystem;
beforeAll(async () => {
  redis = await startRedis();
  sys = await startTestSystem({ redisUrl: redis.url });
  await registerApp(sys, manifest('crm-sync'));
  await registerApp(sys, manifest('pay-recon'));
  await registerApp(sys, manifest('lonely-app'));
});
afterAll(async () => {
  await sys?.stop();
  await redis?.stop();
});

interface Flow {
  id: string;
  app: string;
  scopes: string[];
  purpose: string;
  created_at: string;
}

const problems = (body: { details?: { path: string; message: string }[] }) => body.details ?? [];
const flowIds = (body: { data_flows: Flow[] }) => body.data_flows.map((f) => f.id);

async function createFlow(body: Record<string, unknown>): Promise<Flow> {
  const res = await sys.admin('POST', '/admin/data-flows', body);
  if (res.status !== 201) throw new Error(`flow failed: ${JSON.stringify(res.body)}`);
  return res.body;
}

describe('admin authentication', () => {
  it('refuses every data-flow route without the admin token', async () => {
    const flow = await createFlow({ app: 'crm-sync', scopes: ['leads:read'], purpose: 'auth' });
    for (const [method, path] of [
      ['POST', '/admin/data-flows'],
      ['GET', '/admin/data-flows'],
      ['DELETE', `/admin/data-flows/${flow.id}`],
    ] as const) {
      const body =
        method === 'POST' ? { app: 'crm-sync', scopes: ['leads:read'], purpose: 'x' } : undefined;
      const none = await fetch(`${sys.adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      const wrong = await sys.admin(method, path, body, 'nope');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('unauthorized');
    }
    const listed = await sys.admin('GET', '/admin/data-flows?app=crm-sync');
    expect(listed.body.data_flows).toEqual([flow]);
    expect((await sys.admin('DELETE', `/admin/data-flows/${flow.id}`)).status).toBe(204);
  });
});

describe('data-flow lifecycle', () => {
  it('creates, lists (all and by app, newest first) and deletes flows', async () => {
    const before = Date.now();
    const res = await sys.admin('POST', '/admin/data-flows', {
      app: 'crm-sync',
      scopes: ['leads:read', 'leads:write'],
      purpose: 'sync new leads to the CRM',
    });
    expect(res.status).toBe(201);
    const a: Flow = res.body;
    expect(Object.keys(a).sort()).toEqual(['app', 'created_at', 'id', 'purpose', 'scopes']);
    expect(a).toMatchObject({
      app: 'crm-sync',
      scopes: ['leads:read', 'leads:write'],
      purpose: 'sync new leads to the CRM',
    });
    expect(a.id).toMatch(/^df_[A-Za-z0-9_-]+$/);
    expect(Date.parse(a.created_at)).toBeGreaterThanOrEqual(before - 1000);

    const b = await createFlow({
      app: 'pay-recon',
      scopes: ['payments:read'],
      purpose: 'reconcile payouts',
    });
    const c = await createFlow({ app: 'crm-sync', scopes: ['leads:read'], purpose: 'dedupe' });
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);

    const all = await sys.admin('GET', '/admin/data-flows');
    expect(all.status).toBe(200);
    expect(flowIds(all.body)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    const crm = await sys.admin('GET', '/admin/data-flows?app=crm-sync');
    expect(crm.body.data_flows.map((f: Flow) => f.purpose)).toEqual(
      expect.arrayContaining(['sync new leads to the CRM', 'dedupe']),
    );
    expect(crm.body.data_flows).toHaveLength(2);
    const crmCreated = crm.body.data_flows.map((f: Flow) => f.created_at);
    expect([...crmCreated].sort().reverse()).toEqual(crmCreated);
    expect(crm.body.data_flows).toContainEqual(a);
    expect((await sys.admin('GET', '/admin/data-flows?app=lonely-app')).body).toEqual({
      data_flows: [],
    });

    const deleted = await sys.admin('DELETE', `/admin/data-flows/${a.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect(flowIds((await sys.admin('GET', '/admin/data-flows?app=crm-sync')).body)).toEqual([
      c.id,
    ]);
    expect(flowIds((await sys.admin('GET', '/admin/data-flows')).body)).not.toContain(a.id);

    const again = await sys.admin('DELETE', `/admin/data-flows/${a.id}`);
    expect(again.status).toBe(404);
    expect(again.body.error).toBe('not_found');
    expect((await sys.admin('DELETE', '/admin/data-flows/df_never')).status).toBe(404);
  });

  it('keeps flows in Redis without a TTL', async () => {
    const flow = await createFlow({ app: 'pay-recon', scopes: ['payments:write'], purpose: 'x' });
    const client = new Redis(redis.url);
    try {
      const keys = redisKeys();
      for (const key of [
        keys.dataFlow(flow.id),
        keys.dataFlows(),
        keys.dataFlowsByApp('pay-recon'),
      ])
        expect(await client.ttl(key), key).toBe(-1);
    } finally {
      await client.quit();
    }
  });
});

describe('POST /admin/data-flows validation', () => {
  it('names every problem at once: unknown app, bad or non-customer-data scopes, purpose, keys', async () => {
    const res = await sys.admin('POST', '/admin/data-flows', {
      app: 'no-such-app',
      scopes: ['content:read', 'foo:read', 'leads', 'leads:read', 'leads:read', 7],
      purpose: '   ',
      approved_by: 'ops',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(problems(res.body)).toEqual(
      expect.arrayContaining([
        { path: 'app', message: 'no registered app "no-such-app"' },
        {
          path: 'scopes[0]',
          message:
            '"content:read" is not customer data; a data flow covers only leads:read, leads:write, payments:read, payments:write',
        },
        { path: 'scopes[1]', message: 'unknown scope "foo:read"' },
        { path: 'scopes[2]', message: expect.stringContaining('malformed scope "leads"') },
        { path: 'scopes[4]', message: 'duplicate of scopes[3]' },
        { path: 'scopes[5]', message: 'must be a string' },
        { path: 'purpose', message: 'must not be blank' },
        { path: 'approved_by', message: 'unknown key' },
      ]),
    );
    expect(problems(res.body)).toHaveLength(8);
  });

  it('refuses a flow made only of content or media scopes', async () => {
    const res = await sys.admin('POST', '/admin/data-flows', {
      app: 'crm-sync',
      scopes: ['content:write', 'media:read'],
      purpose: 'publish pages',
    });
    expect(res.status).toBe(400);
    expect(problems(res.body).map((p) => p.path)).toEqual(['scopes[0]', 'scopes[1]']);
    expect(problems(res.body)[0]?.message).toContain('"content:write" is not customer data');
  });

  it('bounds the purpose and requires every field', async () => {
    const long = await sys.admin('POST', '/admin/data-flows', {
      app: 'crm-sync',
      scopes: ['leads:read'],
      purpose: 'p'.repeat(201),
    });
    expect(problems(long.body)).toEqual([
      { path: 'purpose', message: 'must be at most 200 characters' },
    ]);
    const okAtCap = await sys.admin('POST', '/admin/data-flows', {
      app: 'crm-sync',
      scopes: ['leads:read'],
      purpose: 'p'.repeat(200),
    });
    expect(okAtCap.status).toBe(201);
    const empty = await sys.admin('POST', '/admin/data-flows', {});
    expect(problems(empty.body)).toEqual([
      { path: 'app', message: 'is required' },
      { path: 'scopes', message: 'is required' },
      { path: 'purpose', message: 'is required' },
    ]);
    const noScopes = await sys.admin('POST', '/admin/data-flows', {
      app: 'crm-sync',
      scopes: [],
      purpose: 'x',
    });
    expect(problems(noScopes.body)).toEqual([
      { path: 'scopes', message: 'must name at least one scope' },
    ]);
    const controls = await sys.admin('POST', '/admin/data-flows', {
      app: 'crm-sync',
      scopes: ['leads:read'],
      purpose: 'line one\nline two',
    });
    expect(problems(controls.body)).toEqual([
      { path: 'purpose', message: 'must not contain control characters' },
    ]);
  });

  it('answers any shape of body with a 4xx, never a 500, and creates nothing', async () => {
    const before = flowIds((await sys.admin('GET', '/admin/data-flows')).body);
    const bodies: unknown[] = [
      [],
      [{ app: 'crm-sync', scopes: ['leads:read'], purpose: 'x' }],
      { app: null, scopes: null, purpose: null },
      { app: ['crm-sync'], scopes: 'leads:read', purpose: 5 },
      { app: 'crm-sync', scopes: [[['leads:read']]], purpose: { text: 'x' } },
      { app: 'a'.repeat(100_000), scopes: Array(10_000).fill('leads:read'), purpose: 'x' },
      JSON.parse('{"app":"crm-sync","scopes":["leads:read"],"purpose":"x","__proto__":{"a":1}}'),
    ];
    for (const body of bodies) {
      const res = await sys.admin('POST', '/admin/data-flows', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    expect((await sys.admin('POST', '/admin/data-flows', '{"app":')).status).toBe(400);
    expect((await sys.admin('POST', '/admin/data-flows', 'null')).status).toBe(400);
    expect(flowIds((await sys.admin('GET', '/admin/data-flows')).body)).toEqual(before);
  });

  it('refuses an app filter given twice, and an unknown one', async () => {
    const res = await sys.admin('GET', '/admin/data-flows?app=crm-sync&app=pay-recon');
    expect(res.status).toBe(400);
    expect(problems(res.body)).toEqual([{ path: 'app', message: 'given more than once' }]);
    const unknown = await sys.admin('GET', '/admin/data-flows?ap=app-a');
    expect(unknown.status).toBe(400);
    expect(problems(unknown.body)).toEqual([
      { path: 'ap', message: 'unknown parameter; expected app' },
    ]);
  });
});
