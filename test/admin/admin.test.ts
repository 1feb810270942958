// The operator API: bearer authentication, and every bad input a 4xx naming each problem.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys?.stop());

describe('admin authentication', () => {
  it('refuses a missing or wrong token with 401', async () => {
    const none = await fetch(`${sys.adminUrl}/admin/installations`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await sys.admin('GET', '/admin/installations', undefined, 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('unauthorized');
  });

  it('serves health without a token', async () => {
    expect((await fetch(`${sys.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${sys.adminUrl}/readyz`)).status).toBe(200);
  });
});

describe('apps', () => {
  it('lists every problem of a bad manifest at once', async () => {
    const res = await sys.admin('POST', '/admin/apps', {
      uuid: 'Bad App!',
      name: 'x',
      auth: {
        scopes: ['content:read', 'bogus:read'],
        optional_scopes: ['media:read'],
        redirect_uris: ['http://example.com/cb'],
      },
      webhooks: { url: 'http://hooks.example.com', topics: ['leads/created'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'uuid',
        'auth.scopes[1]',
        'auth.optional_scopes[0]',
        'auth.redirect_uris[0]',
        'webhooks.topics[0]',
      ]),
    );
  });

  it('registers once, shows no secret afterwards, and refuses the same uuid', async () => {
    const created = await sys.admin('POST', '/admin/apps', manifest('admin-app'));
    expect(created.status).toBe(201);
    const shown = await sys.admin('GET', '/admin/apps/admin-app');
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(created.body.client_secret);
    expect(JSON.stringify(shown.body)).not.toContain(created.body.webhook_secret);
    const again = await sys.admin('POST', '/admin/apps', manifest('admin-app'));
    expect(again.status).toBe(409);
  });

  it('answers invalid JSON, a non-object body and an unknown app with 4xx', async () => {
    expect((await sys.admin('POST', '/admin/apps', '{"uuid":')).status).toBe(400);
    expect((await sys.admin('POST', '/admin/apps', [1, 2])).status).toBe(400);
    expect((await sys.admin('GET', '/admin/apps/nope')).status).toBe(404);
  });
});

describe('merchants', () => {
  it('lists every problem of bad merchant input', async () => {
    const res = await sys.admin('POST', '/admin/merchants', {
      email: 'not-an-email',
      password: 'short',
      sites: [{ id: 'bad id', name: '' }],
    });
    expect(res.status).toBe(400);
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['email', 'password', 'sites[0].id', 'sites[0].name']),
    );
    expect(JSON.stringify(res.body)).not.toContain('short');
  });

  it('refuses a taken email or site with 409', async () => {
    const m = {
      email: 'dup@shop.test',
      password: 'long-enough-pw',
      sites: [{ id: 's_dup', name: 'D' }],
    };
    expect((await sys.admin('POST', '/admin/merchants', m)).status).toBe(201);
    expect(
      (await sys.admin('POST', '/admin/merchants', { ...m, sites: [{ id: 's_dup2', name: 'D' }] }))
        .status,
    ).toBe(409);
    expect(
      (await sys.admin('POST', '/admin/merchants', { ...m, email: 'other@shop.test' })).status,
    ).toBe(409);
  });

  it('refuses unknown fields and duplicate site ids', async () => {
    const res = await sys.admin('POST', '/admin/merchants', {
      email: 'x@shop.test',
      password: 'long-enough-pw',
      sites: [
        { id: 's_a', name: 'A' },
        { id: 's_a', name: 'B' },
      ],
      role: 'admin',
    });
    expect(res.status).toBe(400);
  });
});

describe('installations', () => {
  it('404 for an unknown installation, on read and on revoke', async () => {
    expect((await sys.admin('GET', '/admin/installations/nope')).status).toBe(404);
    expect((await sys.admin('POST', '/admin/installations/nope/revoke', {})).status).toBe(404);
  });

  it('400 for a bad revoke reason', async () => {
    const res = await sys.admin('POST', '/admin/installations/x/revoke', { reason: 42 });
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('reason');
  });

  it('400 naming each repeated, malformed, empty or unknown filter, never the whole list', async () => {
    const cases: [string, string[]][] = [
      ['app=a&app=b', ['app']],
      ['app[]=x', ['app[]']],
      ['site=', ['site']],
      ['apps=x&merchant=m&merchant=n', ['apps', 'merchant']],
    ];
    for (const [query, paths] of cases) {
      const res = await sys.admin('GET', `/admin/installations?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(paths);
    }
    const ok = await sys.admin('GET', '/admin/installations?app=a&site=s&merchant=m');
    expect(ok.status).toBe(200);
    expect(ok.body.installations).toEqual([]);
  });

  it('404 JSON for an unknown route', async () => {
    const res = await sys.admin('GET', '/admin/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
