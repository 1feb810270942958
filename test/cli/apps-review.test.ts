// `scopegate apps review APP` against a running scopegate: the least-privilege review as
// an aligned table with the app summary, as JSON, and its failures (bad --since, unknown
// app) as `error:` lines with exit code 1. Usage is written to the system's real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant, install, manifest, REDIRECT_URI, registerApp } from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { runCli } from './run-cli.ts';

let sys: TestSystem;
let shop: string;
const lastRead = new Date(Date.now() - 3_600_000).toISOString();

const cli = (...args: string[]) =>
  runCli([...args, '--admin-url', sys.adminUrl], { ADMIN_TOKEN: sys.adminToken });

beforeAll(async () => {
  sys = await startTestSystem();
  await createMerchant(sys);
  const auth = {
    scopes: ['content:write', 'leads:read'],
    optional_scopes: [],
    redirect_uris: [REDIRECT_URI],
    client_type: 'confidential',
  };
  const app = await registerApp(sys, manifest('review-app', { auth }));
  await registerApp(sys, manifest('idle-app', { auth }));
  await install(sys, app, { scope: 'content:write leads:read', site: 's_shop' });
  const listed = await sys.admin('GET', '/admin/installations?app=review-app');
  shop = listed.body.installations[0].id;
  // What the gateway flushes after four GETs under the content:write token.
  await sys.store.usage.add([
    { installation: shop, scope: 'content:read', count: 4, last: lastRead },
  ]);
});
afterAll(() => sys?.stop());

describe('apps review', () => {
  it('prints the window, one aligned row per scope and the app summary', async () => {
    const run = await cli('apps', 'review', 'review-app', '--since', '7d');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [head, scopes, summary] = run.stdout.trimEnd().split('\n\n');
    const start = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
    expect(head).toMatch(
      new RegExp(
        `^app +review-app\\nwindow +${start}T00:00:00.000Z \\.\\. \\S+Z\\ninstallations +1$`,
      ),
    );
    const [header = '', ...rows] = (scopes ?? '').split('\n');
    expect(header).toMatch(
      /^INSTALLATION\s+SITE\s+SCOPE\s+STATUS\s+REQUESTS\s+LAST_USED\s+SUGGESTION$/,
    );
    expect(rows).toHaveLength(2);
    const status = header.indexOf('STATUS');
    const suggestion = header.indexOf('SUGGESTION');
    const write = rows.find((r) => r.includes('content:write')) ?? '';
    expect(write.startsWith(shop)).toBe(true);
    expect(write.slice(status)).toMatch(/^write_used_only_for_reads +4 +\S+/);
    expect(write).toContain(lastRead);
    expect(write.slice(suggestion)).toBe('use content:read');
    const leads = rows.find((r) => r.includes('leads:read')) ?? '';
    expect(leads.slice(status)).toMatch(/^unused +0 +- +-$/);
    expect(summary).toMatch(/^summary \(every installation above\)\n/);
    expect(summary).toMatch(/\nunused +leads:read\n/);
    expect(summary).toMatch(/\nwrite only read +content:write \(use content:read instead\)$/);
  });

  it('prints the admin API answer with --json', async () => {
    const run = await cli('apps', 'review', 'review-app', '--json');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    const api = await sys.admin('GET', '/admin/usage?app=review-app');
    expect({ ...body, until: '' }).toEqual({ ...api.body, until: '' });
    expect(body.summary.write_only_read).toEqual([
      { scope: 'content:write', suggestion: 'content:read', installations: [shop] },
    ]);
  });

  it('says so when the app has no installation to review', async () => {
    const run = await cli('apps', 'review', 'idle-app');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/installations +0\n\nno installations to review\n$/);
  });

  it('fails with the API problem for a bad --since and an unknown app', async () => {
    const bad = await cli('apps', 'review', 'review-app', '--since', 'last week');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /^error: invalid usage query\n {2}since: expected a duration like 30d/,
    );
    const unknown = await cli('apps', 'review', 'no-such-app');
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: app no-such-app not found\n' });
  });
});
