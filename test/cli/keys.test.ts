// `scopegate keys generate|list|rotate|prune` as an operator runs them, on a temporary
// KEYS_DIR: what each prints (never key material), the statuses, how long a rotated-out
// key stays, what is pruned, modes 0600, and the refusals, each with exit code 1.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSigningKey } from '../../src/keys/generate.ts';
import { readSigningKeys, type SigningKey, writeSigningKeys } from '../../src/keys/jwks-file.ts';
import { type CliRun, runCli } from './run-cli.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-cli-keys-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keys = (...args: string[]) => runCli(['keys', ...args], { KEYS_DIR: dir });
const iso = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();
const mode = (file: string) => statSync(join(dir, file)).mode & 0o777;

/** Every secret in KEYS_DIR: private JWK members, the sealing key, the cookie keys. */
function secrets(): string[] {
  const found: string[] = [];
  for (const key of readSigningKeys(dir)) {
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
      if (typeof key[member] === 'string') found.push(key[member]);
    }
  }
  for (const file of ['sealing.key', 'cookie-keys.json']) {
    try {
      const text = readFileSync(join(dir, file), 'utf8').trim();
      found.push(...(file.endsWith('.json') ? (JSON.parse(text) as string[]) : [text]));
    } catch {}
  }
  return found;
}

function expectNoSecrets(run: CliRun): void {
  const output = run.stdout + run.stderr;
  for (const secret of secrets()) expect(output).not.toContain(secret);
  expect(output).not.toMatch(/"d"\s*:/);
}

/** A key set as an operator's jwks.json might hold it some time after rotations. */
async function agedKeySet(): Promise<SigningKey[]> {
  const [signing, retiring, expired] = await Promise.all([0, 1, 2].map(() => newSigningKey()));
  const set = [
    { ...signing!, created_at: iso(-100) },
    { ...retiring!, created_at: iso(-5000), retired_at: iso(-100), retire_after: iso(560) },
    { ...expired!, created_at: iso(-9000), retired_at: iso(-5000), retire_after: iso(-4340) },
  ];
  writeSigningKeys(dir, set);
  return set;
}

describe('keys generate', () => {
  it('creates the missing key files, mode 0600, and prints only public facts', async () => {
    const run = await keys('generate');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [signing] = readSigningKeys(dir);
    expect(run.stdout).toContain(`keys_dir     ${dir}`);
    expect(run.stdout).toMatch(/created\s+jwks\.json\n\s+sealing\.key\n\s+cookie-keys\.json/);
    expect(run.stdout).toContain(`signing_kid  ${signing?.kid}`);
    for (const file of ['jwks.json', 'sealing.key', 'cookie-keys.json']) {
      expect(mode(file)).toBe(0o600);
    }
    expect(signing?.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expectNoSecrets(run);
  });

  it('refuses to overwrite existing keys, and overwrites them with --force', async () => {
    await keys('generate');
    const before = readFileSync(join(dir, 'jwks.json'), 'utf8');
    const refused = await keys('generate');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`error: keys already exist in ${dir}`);
    expect(refused.stderr).toContain('scopegate keys rotate');
    expect(readFileSync(join(dir, 'jwks.json'), 'utf8')).toBe(before);

    const forced = await keys('generate', '--force', '--json');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^warning: overwriting jwks\.json, sealing\.key/);
    const body = JSON.parse(forced.stdout);
    expect(body).toMatchObject({
      keys_dir: dir,
      created: ['jwks.json', 'sealing.key', 'cookie-keys.json'],
      kept: [],
    });
    expect(readSigningKeys(dir).map((k) => k.kid)).toEqual([body.signing_kid]);
    expect(readFileSync(join(dir, 'jwks.json'), 'utf8')).not.toBe(before);
    expectNoSecrets(forced);
  });

  it('creates only what is missing, and no cookie keys when COOKIE_KEYS is set', async () => {
    writeFileSync(join(dir, 'sealing.key'), 'kept');
    const run = await runCli(['keys', 'generate', '--dir', dir, '--json'], {
      COOKIE_KEYS: 'c'.repeat(40),
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ created: ['jwks.json'], kept: ['sealing.key'] });
    expect(readFileSync(join(dir, 'sealing.key'), 'utf8')).toBe('kept');
    expect(() => statSync(join(dir, 'cookie-keys.json'))).toThrow();
  });
});

describe('keys list', () => {
  it('shows each key with its status, newest first', async () => {
    const [signing, retiring, expired] = await agedKeySet();
    const run = await keys('list');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^KID\s+ALG\s+STATUS\s+CREATED_AT$/);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(new RegExp(`^${signing?.kid}\\s+RS256\\s+signing\\s+`));
    expect(rows[1]).toContain(`retiring until ${retiring?.retire_after}`);
    expect(rows[2]).toMatch(new RegExp(`^${expired?.kid}\\s+RS256\\s+expired\\s+`));
    expect(rows[2]).toContain(expired?.created_at);
    expectNoSecrets(run);
  });

  it('prints the same as JSON with --json', async () => {
    const [signing, retiring, expired] = await agedKeySet();
    const run = await keys('list', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      keys_dir: dir,
      keys: [
        {
          kid: signing?.kid,
          kty: 'RSA',
          alg: 'RS256',
          status: 'signing',
          created_at: signing?.created_at,
          retired_at: null,
          retire_after: null,
        },
        expect.objectContaining({
          kid: retiring?.kid,
          status: 'retiring',
          retire_after: retiring?.retire_after,
        }),
        expect.objectContaining({ kid: expired?.kid, status: 'expired' }),
      ],
    });
    expectNoSecrets(run);
  });
});

describe('keys rotate', () => {
  it('signs with a new key, keeps the old one for ACCESS_TOKEN_TTL + 60 s, drops expired', async () => {
    const [signing, retiring, expired] = await agedKeySet();
    const run = await runCli(['keys', 'rotate'], { KEYS_DIR: dir, ACCESS_TOKEN_TTL: '120' });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expectNoSecrets(run);

    const after = readSigningKeys(dir);
    expect(after.map((k) => k.kid)).toEqual([expect.any(String), signing?.kid, retiring?.kid]);
    const [fresh, retired, stillRetiring] = after;
    expect([signing?.kid, retiring?.kid, expired?.kid]).not.toContain(fresh?.kid);
    // The old signing key keeps its private part (files are the auth servers' keystore).
    expect(retired?.d).toBe(signing?.d);
    expect(Date.parse(retired?.retire_after ?? '') - Date.parse(retired?.retired_at ?? '')).toBe(
      180_000,
    );
    expect(stillRetiring?.retire_after).toBe(retiring?.retire_after);
    expect(mode('jwks.json')).toBe(0o600);

    expect(run.stdout).toContain(`signing_kid   ${fresh?.kid}`);
    expect(run.stdout).toContain(`retired_kid   ${signing?.kid}`);
    expect(run.stdout).toContain(
      `retire_after  ${retired?.retire_after} (ACCESS_TOKEN_TTL 120 s + 60 s)`,
    );
    expect(run.stdout).toContain(`dropped       ${expired?.kid}`);
    expect(run.stdout).toMatch(new RegExp(`${fresh?.kid}\\s+RS256\\s+signing`));
  });

  it('reports the rotation as JSON, and a second rotation keeps the first deadline', async () => {
    await keys('generate');
    const first = JSON.parse((await keys('rotate', '--json')).stdout);
    const second = JSON.parse((await keys('rotate', '--json')).stdout);
    expect(second.retired_kid).toBe(first.signing_kid);
    expect(second.keys.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [second.signing_kid, 'signing'],
      [first.signing_kid, 'retiring'],
      [first.retired_kid, 'retiring'],
    ]);
    expect(second.keys[2].retire_after).toBe(first.retire_after);
    expect(second.dropped).toEqual([]);
  });

  it('refuses without a key set, naming the command that makes one', async () => {
    const run = await keys('rotate');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(`error: no jwks.json in ${dir} (run \`scopegate keys generate\`)\n`);
  });

  it('refuses a broken jwks.json, naming every problem, and leaves it alone', async () => {
    const good = await newSigningKey();
    const broken = JSON.stringify({
      keys: [
        { ...good, d: undefined },
        { ...good, kty: 'EC' },
      ],
    });
    writeFileSync(join(dir, 'jwks.json'), broken);
    const run = await keys('rotate');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: ${join(dir, 'jwks.json')} is not a usable signing key`);
    expect(run.stderr).toContain('#keys[0].d: must be a non-empty string');
    expect(run.stderr).toContain('#keys[1].kid: duplicates kid');
    expect(run.stderr).toContain('#keys[1].kty: must be "RSA"');
    expect(readFileSync(join(dir, 'jwks.json'), 'utf8')).toBe(broken);
    expect(run.stderr).not.toContain(good.p);
  });

  it('judges only the settings it uses', async () => {
    await keys('generate');
    const unrelated = await runCli(['keys', 'rotate'], { KEYS_DIR: dir, AUTH_PORT: 'nope' });
    expect(unrelated.code).toBe(0);
    const bad = await runCli(['keys', 'rotate'], { KEYS_DIR: dir, ACCESS_TOKEN_TTL: '5' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: invalid configuration\n {2}ACCESS_TOKEN_TTL: expected/);
  });
});

describe('keys prune', () => {
  it('drops the expired keys only', async () => {
    const [signing, retiring, expired] = await agedKeySet();
    const run = await keys('prune', '--json');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body.dropped).toEqual([expired?.kid]);
    expect(readSigningKeys(dir).map((k) => k.kid)).toEqual([signing?.kid, retiring?.kid]);
    const again = await keys('prune');
    expect(again.stdout).toMatch(/^keys_dir {2}.*\ndropped {3}-\n/);
  });
});
