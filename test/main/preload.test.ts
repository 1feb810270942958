// Apps preloaded from CONFIG_DIR/apps are validated at start: a bad manifest stops the
// start with every problem named by file and key, like any other configuration error.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ConfigError } from '../../src/config/index.ts';
import { startTestSystem } from '../support/system.ts';

it('refuses to start with a bad preloaded manifest, naming each problem', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
  mkdirSync(join(dir, 'apps'));
  writeFileSync(
    join(dir, 'apps', 'bad.json'),
    JSON.stringify({
      uuid: 'bad',
      name: 'Bad',
      auth: { scopes: ['nope:read'], redirect_uris: ['http://evil.example/cb'] },
    }),
  );
  const failure = await startTestSystem({ env: { CONFIG_DIR: dir } }).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(ConfigError);
  const paths = (failure as ConfigError).problems.map((p) => p.path);
  expect(paths).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/bad\.json auth\.scopes\[0\]$/),
      expect.stringMatching(/bad\.json auth\.redirect_uris\[0\]$/),
    ]),
  );
});
