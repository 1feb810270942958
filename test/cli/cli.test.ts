// The operator commands against a running scopegate: `installations list|show`,
// `revoke` and `apps show`, each in human and JSON form, and how failures read (API errors
// with details, a wrong token, nothing listening), always with exit code 1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMerchant,
  install,
  manifest,
  type RegisteredApp,
  registerApp,
} from '../support/oauth.ts';
import { freePort } from '../support/ports.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { runCli } from './run-cli.ts';

let sys: TestSystem;
let app: RegisteredApp;
let merchant: string;
let shop: string;
let blog: string;

/** The CLI pointed at the test system with its token. */
const cli = (...args: string[]) =>
  runCli([...args, '--admin-url', sys.adminUrl], { ADMIN_TOKEN: sys.adminToken });

async function installationId(site: string): Promise<string> {
  const res = await sys.admin('GET', `/admin/installations?site=${site}&app=${app.client_id}`);
  return res.body.installations[0].id;
}

beforeAll(async () => {
  sys = await startTestSystem();
  merchant = await createMerchant(sys);
  app = await registerApp(sys, manifest('cli-app', { name: 'CLI App' }));
  await install(sys, app, { site: 's_shop' });
  await install(sys, app, { site: 's_blog', keepOptional: ['media:read'] });
  [shop, blog] = await Promise.all([installationId('s_shop'), installationId('s_blog')]);
});
afterAll(() => sys?.stop());

/** Where each header starts in the first line, for checking column alignment. */
function columnStarts(header: string, names: string[]): number[] {
  return names.map((n) => header.indexOf(n));
}

describe('installations list', () => {
  it('prints a table with aligned columns', async () => {
    const run = await cli('installations', 'list');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [header = '', ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(
      /^ID\s+APP\s+SITE\s+MERCHANT\s+SCOPES\s+MODE\s+APPROVED_AT\s+REVOKED_AT$/,
    );
    expect(rows).toHaveLength(2);
    const starts = columnStarts(header, ['APP', 'SITE', 'MERCHANT', 'SCOPES']);
    for (const row of rows) {
      expect(row.slice(starts[0], starts[0]! + 'cli-app'.length)).toBe('cli-app');
      expect(row.slice(starts[2], starts[2]! + merchant.length)).toBe(merchant);
      expect(row.endsWith(' -')).toBe(true);
    }
    const blogRow = rows.find((r) => r.startsWith(blog)) ?? '';
    expect(blogRow).toContain('content:read,media:read,leads:write');
    expect(blogRow.slice(starts[1]).startsWith('s_blog')).toBe(true);
  });

  it('filters by app, site and merchant', async () => {
    const run = await cli(
      'installations',
      'list',
      '--app',
      'cli-app',
      '--site',
      's_shop',
      '--merchant',
      merchant,
    );
    const rows = run.stdout.trimEnd().split('\n').slice(1);
    expect(rows.map((r) => r.split(/\s+/)[0])).toEqual([shop]);
    const none = await cli('installations', 'list', '--site', 's_nowhere');
    expect(none).toMatchObject({ code: 0, stdout: 'no installations\n' });
  });

  it('prints the API answer with --json', async () => {
    const run = await cli('installations', 'list', '--merchant', merchant, '--json');
    expect(run.code).toBe(0);
    const api = await sys.admin('GET', `/admin/installations?merchant=${merchant}`);
    expect(JSON.parse(run.stdout)).toEqual(api.body);
  });
});

describe('installations show', () => {
  it('prints every field of the record, aligned', async () => {
    const run = await cli('installations', 'show', blog);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    const record = (await sys.admin('GET', `/admin/installations/${blog}`)).body;
    const value = (label: string) =>
      lines
        .find((l) => l.startsWith(`${label} `))
        ?.slice(label.length)
        .trim();
    expect(value('id')).toBe(blog);
    expect(value('site')).toBe('s_blog');
    expect(value('approved_scopes')).toBe('content:read media:read leads:write');
    expect(value('approved_at')).toBe(record.approved_at);
    expect(value('approved_by')).toBe(merchant);
    expect(value('revoked_at')).toBe('-');
    const valueColumn = new Set(lines.map((l) => /^\S+\s+/.exec(l)?.[0].length));
    expect(valueColumn.size).toBe(1);
  });

  it('prints the record with --json', async () => {
    const run = await cli('installations', 'show', shop, '--json');
    expect(JSON.parse(run.stdout)).toEqual(
      (await sys.admin('GET', `/admin/installations/${shop}`)).body,
    );
  });

  it('reports an unknown id as the API error, exit 1', async () => {
    const run = await cli('installations', 'show', 'no-such-id');
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: installation no-such-id not found\n',
    });
  });
});

describe('revoke', () => {
  it('revokes as the operator with the reason, and keeps the first revocation', async () => {
    const run = await cli('revoke', shop, '--reason', 'app reported compromised');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`revoked installation ${shop}`);
    const record = (await sys.admin('GET', `/admin/installations/${shop}`)).body;
    expect(record).toMatchObject({
      revoked_by: 'operator',
      revoke_reason: 'app reported compromised',
    });
    expect(run.stdout).toMatch(new RegExp(`revoked_at\\s+${record.revoked_at}`));
    expect(run.stdout).toMatch(/revoked_by\s+operator/);

    const again = await cli('revoke', shop, '--reason', 'second time');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was already revoked; the first revocation is kept');
    expect(again.stdout).toMatch(/revoke_reason\s+app reported compromised/);
  });

  it('prints the revoked record with --json', async () => {
    const run = await cli('revoke', blog, '--reason', 'merchant asked support', '--json');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({
      id: blog,
      revoked_by: 'operator',
      revoke_reason: 'merchant asked support',
    });
    expect(out.revoked_at).toEqual(expect.any(String));
  });

  it('prints the API problem details of a refused revoke', async () => {
    const run = await cli('revoke', blog, '--reason', 'x'.repeat(501));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: invalid revocation\n  reason: must be a string of at most 500 characters\n',
    );
  });

  it('requires --reason', async () => {
    const run = await cli('revoke', blog);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("required option '--reason <text>' not specified");
  });
});

describe('apps show', () => {
  it('prints the app with its scopes and redirect URIs', async () => {
    const run = await cli('apps', 'show', 'cli-app');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^client_id\s+cli-app$/m);
    expect(run.stdout).toMatch(/^name\s+CLI App$/m);
    expect(run.stdout).toMatch(/^client_type\s+confidential$/m);
    expect(run.stdout).toMatch(/^scopes\s+content:read$/m);
    expect(run.stdout).toMatch(/^\s+media:read \(optional\)$/m);
    expect(run.stdout).toMatch(/^redirect_uris\s+http:\/\/localhost:7999\/callback$/m);
    expect(run.stdout).not.toContain('secret');
  });

  it('prints the API answer with --json', async () => {
    const run = await cli('apps', 'show', 'cli-app', '--json');
    expect(JSON.parse(run.stdout)).toEqual((await sys.admin('GET', '/admin/apps/cli-app')).body);
  });

  it('reports an unknown app, exit 1', async () => {
    const run = await cli('apps', 'show', 'nope', '--json');
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: 'error: app nope not found\n' });
  });
});

describe('connection and token', () => {
  it('says clearly when nothing listens at the admin URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['installations', 'list', '--admin-url', url], {
      ADMIN_TOKEN: 'x',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: cannot reach the admin API at ${url} (connection refused)`,
    );
  });

  it('reports a wrong token as the API does', async () => {
    const run = await runCli(['installations', 'list', '--admin-url', sys.adminUrl], {
      ADMIN_TOKEN: 'wrong-token',
    });
    expect(run).toMatchObject({
      code: 1,
      stderr: 'error: a valid admin bearer token is required\n',
    });
  });

  it('finds the admin URL in ADMIN_PORT and the development token in KEYS_DIR', async () => {
    const keysDir = mkdtempSync(join(tmpdir(), 'sg-cli-keys-'));
    try {
      writeFileSync(join(keysDir, 'admin-token'), `${sys.adminToken}\n`);
      const env = { ADMIN_PORT: String(sys.ports.admin), KEYS_DIR: keysDir };
      const run = await runCli(['apps', 'show', 'cli-app', '--json'], env);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).client_id).toBe('cli-app');
      const prod = await runCli(['apps', 'show', 'cli-app'], { ...env, NODE_ENV: 'production' });
      expect(prod).toMatchObject({ code: 1, stderr: 'error: no admin token: set ADMIN_TOKEN\n' });
    } finally {
      rmSync(keysDir, { recursive: true, force: true });
    }
  });
});
