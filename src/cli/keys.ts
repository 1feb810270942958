// `scopegate keys generate|rotate|list|prune`: the key material in KEYS_DIR, handled on
// disk without a running server (auth servers and gateways notice jwks.json change).
// Only public facts are printed: kids, algorithms, dates, file names — never key material.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseSettings, type SettingKey } from '../config/settings.ts';
import { configDirOf, readSources } from '../config/sources.ts';
import { type Problem, ScopegateError } from '../errors/index.ts';
import { generateKeyFiles, KEY_FILES, newSigningKey } from '../keys/generate.ts';
import {
  JWKS_FILE,
  readSigningKeys,
  type SigningKey,
  writeSigningKeys,
} from '../keys/jwks-file.ts';
import { keyStatus, pruneKeys, retireWindowSeconds, rotateKeys } from '../keys/rotation.ts';
import { fields, table } from './format.ts';
import { action, CliError, print, printJson } from './output.ts';

interface KeyOptions {
  dir?: string;
  json?: boolean;
}

/** What the key commands need from the configuration (defaults ← scopegate.json ← env). */
interface KeySettings {
  keysDir: string;
  accessTokenTtl: number;
  cookieKeysConfigured: boolean;
}

/**
 * Only the settings these commands use are judged: replacing a compromised key must not
 * wait for an unrelated setting (a route, a Redis URL) to be fixed.
 */
function keySettings(opts: KeyOptions, env = process.env): KeySettings {
  const problems: Problem[] = [];
  const configDir = configDirOf(undefined, env, problems);
  const sources = readSources(configDir, env, problems);
  const parsed = parseSettings(sources.raw, sources.where);
  const used: SettingKey[] = ['KEYS_DIR', 'ACCESS_TOKEN_TTL', 'COOKIE_KEYS'];
  const ownProblems = parsed.problems.filter((p) => used.some((k) => p.path === sources.where(k)));
  problems.push(...ownProblems);
  if (problems.length) {
    throw new CliError('invalid configuration', {
      details: problems.map((p) => `${p.path}: ${p.message}`),
    });
  }
  return {
    keysDir: opts.dir ? resolve(opts.dir) : parsed.settings.keysDir,
    accessTokenTtl: parsed.settings.accessTokenTtl,
    cookieKeysConfigured: parsed.settings.cookieKeys !== undefined,
  };
}

/** The signing keys of `dir`; a broken or missing file becomes a CliError naming why. */
function readKeys(dir: string): SigningKey[] {
  if (!existsSync(join(dir, JWKS_FILE))) {
    throw new CliError(`no ${JWKS_FILE} in ${dir} (run \`scopegate keys generate\`)`);
  }
  try {
    return readSigningKeys(dir);
  } catch (err) {
    if (!(err instanceof ScopegateError)) throw err;
    throw new CliError(`${join(dir, JWKS_FILE)} is not a usable signing key set`, {
      details: (err.details ?? []).map((p) => `${p.path}: ${p.message}`),
    });
  }
}

/** One key as the commands show it: public facts and its status. */
function describeKey(key: SigningKey, index: number, now: Date) {
  const status = keyStatus(key, index, now);
  return {
    kid: key.kid,
    kty: key.kty ?? null,
    alg: key.alg ?? null,
    status: status.state,
    created_at: key.created_at ?? null,
    retired_at: key.retired_at ?? null,
    retire_after: key.retire_after ?? null,
  };
}

function statusText(key: ReturnType<typeof describeKey>): string {
  if (key.status !== 'retiring') return key.status;
  return key.retire_after ? `retiring until ${key.retire_after}` : 'retiring (no end set)';
}

function keysTable(keys: readonly ReturnType<typeof describeKey>[]): string {
  return table(
    ['kid', 'alg', 'status', 'created_at'],
    keys.map((k) => [k.kid, k.alg, statusText(k), k.created_at]),
  );
}

async function generate(opts: KeyOptions & { force?: boolean }): Promise<void> {
  const settings = keySettings(opts);
  const dir = settings.keysDir;
  const files = Object.values(KEY_FILES).filter(
    (f) => f !== KEY_FILES.cookies || !settings.cookieKeysConfigured,
  );
  const existing = files.filter((f) => existsSync(join(dir, f)));
  if (!opts.force && existing.length === files.length) {
    throw new CliError(`keys already exist in ${dir}: ${existing.join(', ')}`, {
      details: [
        '`scopegate keys rotate` replaces the signing key without voiding issued tokens',
        '--force overwrites every file: issued tokens, sessions and stored app secrets stop working',
      ],
    });
  }
  if (opts.force && existing.length) {
    process.stderr.write(
      `warning: overwriting ${existing.join(', ')} in ${dir}; tokens signed and secrets sealed with the old keys are no longer accepted\n`,
    );
  }
  const result = await generateKeyFiles(dir, { force: opts.force ?? false, files });
  if (opts.json) {
    return printJson({
      keys_dir: dir,
      created: result.created,
      kept: result.kept,
      signing_kid: result.signingKid ?? null,
    });
  }
  print(
    fields([
      ['keys_dir', dir],
      ['created', result.created],
      ['kept', result.kept],
      ['signing_kid', result.signingKid],
    ]),
  );
}

async function rotate(opts: KeyOptions): Promise<void> {
  const { keysDir: dir, accessTokenTtl } = keySettings(opts);
  const keys = readKeys(dir);
  const now = new Date();
  const fresh = await newSigningKey(now);
  const rotation = rotateKeys(keys, fresh, {
    now,
    retireAfterSeconds: retireWindowSeconds(accessTokenTtl),
  });
  writeSigningKeys(dir, rotation.keys);
  const listed = rotation.keys.map((k, i) => describeKey(k, i, now));
  if (opts.json) {
    return printJson({
      keys_dir: dir,
      signing_kid: fresh.kid,
      retired_kid: rotation.retired.kid,
      retire_after: rotation.retired.retire_after ?? null,
      dropped: rotation.dropped,
      keys: listed,
    });
  }
  print(
    fields([
      ['keys_dir', dir],
      ['signing_kid', fresh.kid],
      ['retired_kid', rotation.retired.kid],
      [
        'retire_after',
        `${rotation.retired.retire_after} (ACCESS_TOKEN_TTL ${accessTokenTtl} s + ${retireWindowSeconds(accessTokenTtl) - accessTokenTtl} s)`,
      ],
      ['dropped', rotation.dropped],
    ]),
  );
  print('');
  print(keysTable(listed));
}

async function prune(opts: KeyOptions): Promise<void> {
  const { keysDir: dir } = keySettings(opts);
  const now = new Date();
  const pruning = pruneKeys(readKeys(dir), now);
  if (pruning.dropped.length) writeSigningKeys(dir, pruning.keys);
  const listed = pruning.keys.map((k, i) => describeKey(k, i, now));
  if (opts.json) return printJson({ keys_dir: dir, dropped: pruning.dropped, keys: listed });
  print(
    fields([
      ['keys_dir', dir],
      ['dropped', pruning.dropped],
    ]),
  );
  print('');
  print(keysTable(listed));
}

async function list(opts: KeyOptions): Promise<void> {
  const { keysDir: dir } = keySettings(opts);
  const now = new Date();
  const listed = readKeys(dir).map((k, i) => describeKey(k, i, now));
  if (opts.json) return printJson({ keys_dir: dir, keys: listed });
  print(keysTable(listed));
}

function keyOptions(cmd: Command): Command {
  return cmd
    .option('--dir <dir>', 'the keys directory (default: KEYS_DIR from the configuration, keys/)')
    .option('--json', 'print the result as JSON');
}

/** Adds `keys generate|rotate|list|prune` to the program. */
export function keyCommands(program: Command): void {
  const group = program
    .command('keys')
    .description('signing keys, sealing key and cookie keys in KEYS_DIR');
  keyOptions(
    group
      .command('generate')
      .description('create the key material that is missing (existing files are kept)')
      .option('--force', 'overwrite existing files (voids issued tokens and stored secrets)'),
  ).action(action(generate));
  keyOptions(
    group
      .command('rotate')
      .description(
        'sign with a new key from now; earlier keys stay published until their tokens expire',
      ),
  ).action(action(rotate));
  keyOptions(group.command('list').description('signing keys with their status')).action(
    action(list),
  );
  keyOptions(
    group.command('prune').description('drop retired keys whose tokens have all expired'),
  ).action(action(prune));
}
