// The key watch on a real KEYS_DIR: an atomic rewrite of jwks.json is reported, a torn or
// invalid file is reported as an error and the keys in use stay, and generated files are
// written atomically with mode 0600.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { generateKeyFiles, newSigningKey } from '../../src/keys/generate.ts';
import { readSigningKeys, type SigningKey, writeSigningKeys } from '../../src/keys/jwks-file.ts';
import { type SigningKeyWatch, watchSigningKeys } from '../../src/keys/watch.ts';

let dir: string;
let watch: SigningKeyWatch | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-keys-watch-'));
});
afterEach(() => {
  watch?.close();
  rmSync(dir, { recursive: true, force: true });
});

const kids = (keys: readonly SigningKey[]) => keys.map((k) => k.kid);

it('generates every key file with mode 0600 and leaves no temporary file', async () => {
  const result = await generateKeyFiles(join(dir, 'keys'));
  expect(result.created).toEqual(['jwks.json', 'sealing.key', 'cookie-keys.json']);
  for (const file of readdirSync(join(dir, 'keys'))) {
    expect(statSync(join(dir, 'keys', file)).mode & 0o777).toBe(0o600);
  }
  expect(readdirSync(join(dir, 'keys')).sort()).toEqual([
    'cookie-keys.json',
    'jwks.json',
    'sealing.key',
  ]);
  expect(kids(readSigningKeys(join(dir, 'keys')))).toEqual([result.signingKid]);
});

it('reports a rotation written to jwks.json', async () => {
  await generateKeyFiles(dir);
  const initial = readSigningKeys(dir);
  const seen: string[][] = [];
  watch = watchSigningKeys(dir, { initial, onError: (err) => seen.push([String(err)]) });
  watch.onChange((keys) => seen.push(kids(keys)));
  const next = [await newSigningKey(), ...initial];
  writeSigningKeys(dir, next);
  // fs.watch or, failing that, the periodic check reports it.
  await expect.poll(() => seen, { timeout: 5_000 }).toEqual([kids(next)]);
  expect(kids(watch.keys)).toEqual(kids(next));
  expect(watch.check()).toBe(false);
});

it('keeps the keys in use while the file is invalid, and reports it once', async () => {
  await generateKeyFiles(dir);
  const initial = readSigningKeys(dir);
  const errors: unknown[] = [];
  const changes: string[][] = [];
  watch = watchSigningKeys(dir, { initial, pollMs: 60_000, onError: (err) => errors.push(err) });
  watch.onChange((keys) => changes.push(kids(keys)));

  writeFileSync(join(dir, 'jwks.json'), '{"keys": [');
  expect(watch.check()).toBe(false);
  expect(watch.check()).toBe(false);
  expect(kids(watch.keys)).toEqual(kids(initial));

  const { d: _d, ...publicOnly } = initial[0]!;
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [publicOnly] }));
  expect(watch.check()).toBe(false);
  expect(kids(watch.keys)).toEqual(kids(initial));
  expect(errors.map((e) => (e as Error).message)).toEqual([
    expect.stringContaining('is not JSON'),
    expect.stringContaining('private RSA JWK'),
  ]);

  const next = [await newSigningKey(), ...initial];
  writeSigningKeys(dir, next);
  expect(watch.check()).toBe(true);
  expect(changes).toEqual([kids(next)]);
});
