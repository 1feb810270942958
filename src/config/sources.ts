// Where each setting comes from: defaults ← CONFIG_DIR/scopegate.json ← environment.
// The environment wins; an empty variable counts as unset; unknown file keys are problems.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Problem } from '../errors/index.ts';
import { isObject } from '../json.ts';
import { readJsonFile } from './files.ts';
import { SETTING_KEYS, type SettingKey } from './settings.ts';

export const SETTINGS_FILE = 'scopegate.json';

/** The raw values to parse, and for each key where its value came from (for messages). */
export interface Sources {
  raw: Partial<Record<SettingKey, unknown>>;
  where(key: SettingKey): string;
}

const isKey = (key: string): key is SettingKey => (SETTING_KEYS as string[]).includes(key);

/** CONFIG_DIR: the explicit option, else the variable, else `config`; absolute. */
export function configDirOf(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
  problems: Problem[],
): string {
  const chosen = explicit || env.CONFIG_DIR || undefined;
  const dir = resolve(chosen ?? 'config');
  if (chosen !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) {
    problems.push({
      path: 'CONFIG_DIR',
      message: `expected a directory, got ${JSON.stringify(chosen)}`,
    });
  }
  return dir;
}

function fileSettings(configDir: string, problems: Problem[]): Record<string, unknown> {
  const file = readJsonFile(join(configDir, SETTINGS_FILE), SETTINGS_FILE, problems);
  if (file.state !== 'read') return {};
  if (!isObject(file.value)) {
    problems.push({ path: SETTINGS_FILE, message: 'must be a JSON object of settings' });
    return {};
  }
  for (const key of Object.keys(file.value)) {
    if (key === 'CONFIG_DIR') {
      problems.push({
        path: `${SETTINGS_FILE}#${key}`,
        message: 'cannot be set in the file it locates',
      });
    } else if (!isKey(key)) {
      problems.push({ path: `${SETTINGS_FILE}#${key}`, message: 'unknown setting' });
    }
  }
  return file.value;
}

/** Merges the file under the environment, key by key. */
export function readSources(
  configDir: string,
  env: NodeJS.ProcessEnv,
  problems: Problem[],
): Sources {
  const file = fileSettings(configDir, problems);
  const raw: Partial<Record<SettingKey, unknown>> = {};
  const fromFile = new Set<SettingKey>();
  for (const key of SETTING_KEYS) {
    const envValue = env[key];
    if (envValue !== undefined && envValue !== '') {
      raw[key] = envValue;
    } else if (file[key] !== undefined && file[key] !== null) {
      raw[key] = file[key];
      fromFile.add(key);
    }
  }
  return { raw, where: (key) => (fromFile.has(key) ? `${SETTINGS_FILE}#${key}` : key) };
}
