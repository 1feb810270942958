// compose.yaml and the Dockerfile against the code they start: every variable they set is
// a real setting, every role exists, the one-shot `keys` service creates a KEYS_DIR that
// production accepts, and the image copies nothing but what runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../../src/config/settings.ts';
import { loadKeys } from '../../src/keys/index.ts';
import { ROLES } from '../../src/main.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const compose = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
/** What the code reads from the environment: the settings, and CONFIG_DIR. */
const VARIABLES = new Set<string>([...SETTING_KEYS, 'CONFIG_DIR']);

/** The folded (`>-`) script of the `keys` service's entrypoint, joined as YAML would. */
function keysScript(): string {
  const lines = compose.split('\n');
  const service = lines.indexOf('  keys:');
  const marker = lines.findIndex((l, i) => i > service && /^\s+- >-$/.test(l));
  if (service < 0 || marker < 0) throw new Error('compose.yaml: no folded keys script');
  const indent = (l: string) => l.length - l.trimStart().length;
  const body: string[] = [];
  for (const line of lines.slice(marker + 1)) {
    if (line.trim() !== '' && indent(line) <= indent(lines[marker] ?? '')) break;
    body.push(line.trim());
  }
  return body.join(' ').trim();
}

describe('compose.yaml', () => {
  it('sets and interpolates only variables scopegate reads', () => {
    const set = [...compose.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
    const interpolated = [...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
    expect(set.length).toBeGreaterThan(0);
    expect([...set, ...interpolated].filter((v) => !VARIABLES.has(v ?? ''))).toEqual([]);
  });

  it('starts existing roles only', () => {
    const roles = [...compose.matchAll(/"--role", "([a-z]+)"/g)].map((m) => m[1]);
    expect(new Set(roles)).toEqual(new Set(['auth', 'admin', 'gateway', 'worker']));
    expect(roles.filter((r) => !(ROLES as readonly string[]).includes(r ?? ''))).toEqual([]);
  });

  describe('the keys service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-compose-keys-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const run = () =>
      execFileSync(process.execPath, ['-e', keysScript().replaceAll('/app/', `${ROOT}/`)], {
        cwd: ROOT,
        env: { ...process.env, KEYS_DIR: dir },
        encoding: 'utf8',
      }).trim();

    it('creates what production needs besides COOKIE_KEYS, and nothing else', async () => {
      expect(run()).toBe('generated jwks.json, sealing.key');
      expect(readdirSync(dir).sort()).toEqual(['jwks.json', 'sealing.key']);
      const keys = await loadKeys(dir, { generate: false, cookieKeys: ['k'.repeat(32)] });
      expect(keys.generated).toEqual([]);
      expect(keys.signingKeys).toHaveLength(1);
    });

    it('keeps existing keys on the next run', async () => {
      const before = readFileSync(join(dir, 'jwks.json'), 'utf8');
      expect(run()).toBe('keys present');
      expect(readFileSync(join(dir, 'jwks.json'), 'utf8')).toBe(before);
    });
  });
});

describe('Dockerfile', () => {
  it('copies only the runtime files from the build context', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from|<<)(.+)$/gm)].flatMap((m) =>
      (m[1] ?? '').trim().split(/\s+/).slice(0, -1),
    );
    expect(new Set(sources)).toEqual(
      new Set(['package.json', 'package-lock.json', 'src', 'config']),
    );
  });

  it('installs without dev dependencies and without npm ci (see scripts/env.sh)', () => {
    expect(dockerfile).toMatch(/^RUN npm install --omit=dev /m);
    expect(dockerfile).not.toMatch(/^RUN npm ci/m);
  });
});
