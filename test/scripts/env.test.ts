// scripts/env.sh picks a Node.js that runs the .ts sources without a flag (type stripping
// is on by default from 22.18 and 23.6): an older system Node means the Node in .tools/.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const ENV_SH = join(import.meta.dirname, '../../scripts/env.sh');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A `node` at `dir/node` that is the real one reporting `version`. */
function fakeNode(dir: string, version: string): void {
  mkdirSync(dir, { recursive: true });
  const preload = join(dir, 'version.cjs');
  writeFileSync(
    preload,
    `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });\n`,
  );
  writeFileSync(join(dir, 'node'), `#!/bin/sh\nexec '${process.execPath}' -r '${preload}' "$@"\n`);
  chmodSync(join(dir, 'node'), 0o755);
}

/** The node env.sh puts first on PATH, with `system` as the system Node. */
function chosenNode(system: string): { chosen: string; systemBin: string; toolsBin: string } {
  const root = mkdtempSync(join(tmpdir(), 'sg-env-'));
  dirs.push(root);
  const systemBin = join(root, 'system-bin');
  const toolsBin = join(root, '.tools/node_modules/node/bin');
  fakeNode(systemBin, system);
  fakeNode(toolsBin, '24.1.0');
  // Dependencies already installed: env.sh must not run npm.
  writeFileSync(join(root, 'package-lock.json'), '{}');
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, 'node_modules/.package-lock.json'), '{}');
  const later = new Date(Date.now() + 60_000);
  utimesSync(join(root, 'node_modules/.package-lock.json'), later, later);
  const chosen = execFileSync('sh', ['-c', `. '${ENV_SH}' && command -v node`], {
    env: { ROOT: root, PATH: `${systemBin}:/usr/bin:/bin` },
    encoding: 'utf8',
  }).trim();
  return { chosen, systemBin, toolsBin };
}

it.each(['20.19.0', '22.6.0', '22.17.1', '23.5.0'])(
  'brings the Node in .tools/ when the system Node is %s',
  (version) => {
    const { chosen, toolsBin } = chosenNode(version);
    expect(chosen).toBe(join(toolsBin, 'node'));
  },
);

it.each(['22.18.0', '23.6.0', '24.0.0', '25.2.1'])('keeps a system Node %s', (version) => {
  const { chosen, systemBin } = chosenNode(version);
  expect(chosen).toBe(join(systemBin, 'node'));
});
