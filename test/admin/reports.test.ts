// Reports through the real admin API on a real Redis: every problem of a bad report named
// at once, idempotent re-posts, 409 on different content, listings by site, never a 500.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { createMerchant, manifest, registerApp } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/** A GET answer without the policy's decisions: the report as stored. */
function withoutAccess(body: { findings: { access?: unknown }[] }) {
  return { ...body, findings: body.findings.map(({ access: _, ...finding }) => finding) };
}

let redis: TestRedis;
let sys: TestSystem;
beforeAll(async () => {
  redis = await startRedis();
  sys = await startTestSystem({ redisUrl: redis.url });
  await registerApp(sys, manifest('fixer-app'));
  await registerApp(sys, manifest('audit-app'));
  await createMerchant(sys);
});
afterAll(async () => {
  await sys?.stop();
  await redis?.stop();
});

type Body = Record<string, unknown>;

function task(overrides: Body = {}): Body {
  return {
    app: 'fixer-app',
    kind: 'fix',
    provider: 'wordpress',
    target: 'theme header.php',
    required_scopes: ['content:write'],
    instructions: 'Add the missing meta description in the theme header.',
    ...overrides,
  };
}

function report(id: string, overrides: Body = {}): Body {
  return {
    id,
    site: 's_shop',
    findings: [
      {
        id: 'f-1',
        title: 'Missing meta description',
        evidence: 'GET / has no <meta name="description">\nseen 2026-03-01',
        task: task({
          requested_scopes: ['content:write'],
          needs_live_write: { reason: 'the theme editor has no staging' },
        }),
      },
      {
        id: 'f-2',
        title: 'Recheck the sitemap',
        task: task({ app: 'audit-app', kind: 'retest', required_scopes: ['content:read'] }),
      },
    ],
    ...overrides,
  };
}

const problems = (body: { details?: { path: string; message: string }[] }) => body.details ?? [];

describe('admin authentication', () => {
  it('refuses every report route without the admin token', async () => {
    for (const [method, path] of [
      ['POST', '/admin/reports'],
      ['GET', '/admin/reports?site=s_shop'],
      ['GET', '/admin/reports/r-1'],
    ] as const) {
      const none = await fetch(`${sys.adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify(report('r-auth')) } : {}),
      });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get('www-authenticate')).toContain('Bearer');
      const wrong = await sys.admin(
        method,
        path,
        method === 'POST' ? report('r-auth') : undefined,
        'nope',
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('unauthorized');
    }
    expect((await sys.admin('GET', '/admin/reports/r-auth')).status).toBe(404);
  });
});

describe('POST /admin/reports', () => {
  it('stores a report with received_at and serves it by id', async () => {
    const before = Date.now();
    const res = await sys.admin('POST', '/admin/reports', report('r-store'));
    expect(res.status).toBe(201);
    const { received_at, ...rest } = res.body;
    expect(rest).toEqual(report('r-store'));
    expect(Date.parse(received_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(received_at).toISOString()).toBe(received_at);
    const got = await sys.admin('GET', '/admin/reports/r-store');
    expect(got.status).toBe(200);
    expect(withoutAccess(got.body)).toEqual(res.body);
    // Each finding as the access policy decides it now.
    for (const finding of got.body.findings) {
      expect(finding.access.state).toBeTypeOf('string');
      expect(finding.access.remediation_access_mode).toBeTypeOf('string');
    }
  });

  it('answers an identical re-post with the stored report (200), key order aside', async () => {
    const first = await sys.admin('POST', '/admin/reports', report('r-again'));
    expect(first.status).toBe(201);
    const again = await sys.admin('POST', '/admin/reports', report('r-again'));
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const { findings, site, id } = report('r-again');
    const reordered = await sys.admin('POST', '/admin/reports', { findings, site, id });
    expect(reordered.status).toBe(200);
    expect(reordered.body.received_at).toBe(first.body.received_at);
  });

  it('answers concurrent identical posts with one 201 and the rest 200, one report stored', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => sys.admin('POST', '/admin/reports', report('r-race'))),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    for (const r of results) expect(r.body).toEqual(results[0]?.body);
  });

  it('refuses different content under a taken id with 409 and keeps the first', async () => {
    const first = await sys.admin('POST', '/admin/reports', report('r-clash'));
    expect(first.status).toBe(201);
    const changed = report('r-clash', { site: 's_blog' });
    const res = await sys.admin('POST', '/admin/reports', changed);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect(res.body.error_description).toContain('r-clash');
    const oneFindingLess = report('r-clash');
    (oneFindingLess.findings as unknown[]).pop();
    expect((await sys.admin('POST', '/admin/reports', oneFindingLess)).status).toBe(409);
    expect(withoutAccess((await sys.admin('GET', '/admin/reports/r-clash')).body)).toEqual(
      first.body,
    );
  });

  it('accepts tasks the policy will block: credentials, unknown providers, broad or customer-data scopes', async () => {
    const res = await sys.admin('POST', '/admin/reports', {
      id: 'r-policy',
      site: 's_shop',
      findings: [
        {
          id: 'creds',
          title: 'Needs admin access',
          task: task({ instructions: 'Send us the WordPress admin password and API key.' }),
        },
        { id: 'provider', title: 'Tag manager', task: task({ provider: 'some-unknown-cms' }) },
        {
          id: 'broad',
          title: 'Too broad',
          task: task({
            required_scopes: ['content:read'],
            requested_scopes: ['content:write', 'media:write', 'payments:write'],
          }),
        },
        {
          id: 'leads',
          title: 'Lead routing',
          task: task({ required_scopes: ['leads:read'], data_purpose: 'route leads to the CRM' }),
        },
        { id: 'ticket', title: 'Nothing to grant', task: task({ required_scopes: [] }) },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.findings).toHaveLength(5);
  });

  it('names every problem of a bad report at once, with its path', async () => {
    const res = await sys.admin('POST', '/admin/reports', {
      id: 'bad id!',
      site: 's_nobody',
      extra: true,
      findings: [
        {
          id: 'f-1',
          title: 'x'.repeat(201),
          evidence: 'bell\u0007',
          severity: 'high',
          task: task({
            app: 'no-such-app',
            kind: 'rewrite',
            required_scopes: ['foo:read', 'Content:Read', 'content:read', 'content:read', 5],
            requested_scopes: 'content:read',
            needs_live_write: { reason: '   ', why: 'x' },
            data_purpose: 42,
            instructions: '',
            token: 'x',
          }),
        },
        {
          id: 'f-1',
          title: 'Second',
          task: { app: 'fixer-app', kind: 'fix', provider: 'p\nq', target: null },
        },
        { id: '-dash', title: 'ok', task: task({ app: 'no-such-app' }) },
        null,
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(problems(res.body)).toEqual(
      expect.arrayContaining([
        { path: 'id', message: expect.stringContaining('must be 1-64 of') },
        { path: 'site', message: 'no merchant owns site "s_nobody"' },
        { path: 'extra', message: 'unknown key' },
        { path: 'findings[0].title', message: 'must be at most 200 characters' },
        {
          path: 'findings[0].evidence',
          message: 'must not contain control characters other than tabs and line breaks',
        },
        { path: 'findings[0].severity', message: 'unknown key' },
        { path: 'findings[0].task.app', message: 'no registered app "no-such-app"' },
        {
          path: 'findings[0].task.kind',
          message: 'must be one of diagnostic, fix, retest',
        },
        { path: 'findings[0].task.required_scopes[0]', message: 'unknown scope "foo:read"' },
        {
          path: 'findings[0].task.required_scopes[1]',
          message: expect.stringContaining('malformed scope "Content:Read"'),
        },
        {
          path: 'findings[0].task.required_scopes[3]',
          message: 'duplicate of required_scopes[2]',
        },
        { path: 'findings[0].task.required_scopes[4]', message: 'must be a string' },
        { path: 'findings[0].task.requested_scopes', message: 'must be a list' },
        { path: 'findings[0].task.needs_live_write.reason', message: 'must not be blank' },
        { path: 'findings[0].task.needs_live_write.why', message: 'unknown key' },
        { path: 'findings[0].task.data_purpose', message: 'must be a string' },
        { path: 'findings[0].task.instructions', message: 'must not be blank' },
        { path: 'findings[0].task.token', message: 'unknown key' },
        { path: 'findings[1].id', message: 'duplicate of findings[0].id' },
        { path: 'findings[1].task.provider', message: 'must not contain control characters' },
        { path: 'findings[1].task.target', message: 'must be a string' },
        { path: 'findings[1].task.required_scopes', message: 'is required' },
        { path: 'findings[1].task.instructions', message: 'is required' },
        { path: 'findings[2].id', message: expect.stringContaining('must be 1-64 of') },
        { path: 'findings[2].task.app', message: 'no registered app "no-such-app"' },
        { path: 'findings[3]', message: 'must be an object' },
      ]),
    );
    expect((await sys.admin('GET', '/admin/reports/bad%20id!')).status).toBe(404);
  });

  it('bounds the number of findings and of scopes, and the length of every text', async () => {
    const many = Array.from({ length: 201 }, (_, i) => ({
      id: `f-${i}`,
      title: 't',
      task: task(),
    }));
    const tooMany = await sys.admin('POST', '/admin/reports', report('r-many', { findings: many }));
    expect(tooMany.status).toBe(400);
    expect(problems(tooMany.body)).toEqual([
      { path: 'findings', message: 'must hold at most 200 findings' },
    ]);

    const none = await sys.admin('POST', '/admin/reports', report('r-none', { findings: [] }));
    expect(problems(none.body)).toEqual([
      { path: 'findings', message: 'must hold at least one finding' },
    ]);

    const long = 'y'.repeat(4001);
    const texts = await sys.admin('POST', '/admin/reports', {
      id: 'r'.repeat(65),
      site: 's'.repeat(129),
      findings: [
        {
          id: 'f',
          title: 't',
          evidence: long,
          task: task({
            app: 'a'.repeat(65),
            provider: 'p'.repeat(65),
            target: 't'.repeat(501),
            needs_live_write: { reason: 'r'.repeat(501) },
            data_purpose: 'd'.repeat(201),
            instructions: long,
            required_scopes: Array.from({ length: 33 }, () => 'content:read'),
          }),
        },
      ],
    });
    expect(texts.status).toBe(400);
    expect(problems(texts.body).map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'id',
        'site',
        'findings[0].evidence',
        'findings[0].task.app',
        'findings[0].task.provider',
        'findings[0].task.target',
        'findings[0].task.needs_live_write.reason',
        'findings[0].task.data_purpose',
        'findings[0].task.instructions',
        'findings[0].task.required_scopes',
      ]),
    );
  });

  it('answers any shape of body with a 4xx, never a 500', async () => {
    const deep: Body = {};
    let cursor = deep;
    for (let i = 0; i < 2000; i++) {
      const next: Body = {};
      cursor.findings = [next];
      cursor = next;
    }
    const bodies: unknown[] = [
      [],
      [report('r-array')],
      null,
      42,
      'a string',
      true,
      {},
      { id: null, site: null, findings: null },
      { id: 7, site: ['s_shop'], findings: {} },
      { id: 'r-x', site: 's_shop', findings: [null, 1, 'x', [], true, {}] },
      { id: 'r-x', site: 's_shop', findings: [{ id: 'f', title: 't', task: null }] },
      { id: 'r-x', site: 's_shop', findings: [{ id: 'f', title: 't', task: [task()] }] },
      {
        id: 'r-x',
        site: 's_shop',
        findings: [{ id: 'f', title: 't', task: task({ required_scopes: [null, 3, {}, []] }) }],
      },
      { id: 'x'.repeat(100_000), site: 'y'.repeat(100_000), findings: [] },
      report('r-proto', { ['__proto__']: { polluted: true } }),
      JSON.parse('{"id":"r-proto2","site":"s_shop","findings":[],"__proto__":{"a":1}}'),
      deep,
    ];
    for (const body of bodies) {
      const res = await sys.admin('POST', '/admin/reports', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    }
    const text = (raw: string, type = 'application/json') =>
      fetch(`${sys.adminUrl}/admin/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sys.adminToken}`, 'content-type': type },
        body: raw,
      });
    expect((await text('{"id":')).status).toBe(400);
    expect((await text('')).status).toBe(400);
    expect((await text('id=r-form', 'application/x-www-form-urlencoded')).status).toBe(400);
    const huge = JSON.stringify(report('r-huge', { site: 'z'.repeat(300_000) }));
    expect((await text(huge)).status).toBe(413);
  });

  it('lists at most a bounded number of problems, counting the rest', async () => {
    const findings = Array.from({ length: 150 }, (_, i) => ({ id: `f-${i}`, title: '' }));
    const res = await sys.admin('POST', '/admin/reports', report('r-noisy', { findings }));
    expect(res.status).toBe(400);
    const details = problems(res.body);
    expect(details).toHaveLength(101);
    expect(details.at(-1)).toEqual({
      path: '(body)',
      message: expect.stringMatching(/^and \d+ more problems$/),
    });
  });
});

describe('GET /admin/reports', () => {
  it("lists a site's reports newest first, and nothing for other sites", async () => {
    for (const id of ['list-1', 'list-2', 'list-3']) {
      const site = id === 'list-2' ? 's_blog' : 's_shop';
      expect((await sys.admin('POST', '/admin/reports', report(id, { site }))).status).toBe(201);
    }
    const shop = await sys.admin('GET', '/admin/reports?site=s_shop');
    expect(shop.status).toBe(200);
    const ids = shop.body.reports.map((r: { id: string }) => r.id);
    expect(ids.indexOf('list-3')).toBeLessThan(ids.indexOf('list-1'));
    expect(ids).not.toContain('list-2');
    const received = shop.body.reports.map((r: { received_at: string }) => r.received_at);
    expect([...received].sort().reverse()).toEqual(received);
    const blog = await sys.admin('GET', '/admin/reports?site=s_blog');
    expect(blog.body.reports.map((r: { id: string }) => r.id)).toEqual(['list-2']);
    expect(blog.body.reports[0]).toEqual(
      withoutAccess((await sys.admin('GET', '/admin/reports/list-2')).body),
    );
    expect((await sys.admin('GET', '/admin/reports?site=s_none')).body).toEqual({ reports: [] });
  });

  it('requires one site, and answers 404 for an unknown report', async () => {
    const missing = await sys.admin('GET', '/admin/reports');
    expect(missing.status).toBe(400);
    expect(problems(missing.body)).toEqual([{ path: 'site', message: 'required' }]);
    const twice = await sys.admin('GET', '/admin/reports?site=s_shop&site=s_blog');
    expect(problems(twice.body)).toEqual([{ path: 'site', message: 'given more than once' }]);
    const unknown = await sys.admin('GET', '/admin/reports/r-never');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('not_found');
  });

  it('keeps reports in Redis without a TTL', async () => {
    expect((await sys.admin('POST', '/admin/reports', report('r-kept'))).status).toBe(201);
    const client = new Redis(redis.url);
    try {
      const keys = redisKeys();
      expect(await client.ttl(keys.report('r-kept'))).toBe(-1);
      expect(await client.ttl(keys.reportsBySite('s_shop'))).toBe(-1);
    } finally {
      await client.quit();
    }
  });
});
