// The configuration: defaults, then CONFIG_DIR/scopegate.json, then the environment;
// validated once at start-up with every problem named by its key, then frozen.
import type { Problem } from '../errors/index.ts';
import { loadAppFiles, loadCatalogue, loadRoutes } from './files.ts';
import { policyProblems } from './policy.ts';
import { parseSettings } from './settings.ts';
import { configDirOf, readSources } from './sources.ts';
import type { Config } from './types.ts';

export { type ConfigSummary, describeConfig } from './describe.ts';
export type { AppFile } from './files.ts';
export type { Settings } from './settings.ts';
export type { Config } from './types.ts';

/** Thrown by `loadConfig`: every problem at once, each as `KEY: what is wrong`. */
export class ConfigError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    const count =
      problems.length === 1
        ? '1 configuration problem'
        : `${problems.length} configuration problems`;
    super(`${count}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** The environment to read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** CONFIG_DIR, taking precedence over the variable. */
  configDir?: string;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Loads and validates the configuration; throws {@link ConfigError} naming every problem. */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const problems: Problem[] = [];
  const configDir = configDirOf(opts.configDir, env, problems);
  const sources = readSources(configDir, env, problems);
  const {
    settings,
    invalid,
    problems: settingProblems,
  } = parseSettings(sources.raw, sources.where);
  problems.push(...settingProblems, ...policyProblems(settings, invalid, sources.where));
  const scopes = loadCatalogue(configDir, problems);
  const apps = loadAppFiles(configDir, problems);
  const routes = loadRoutes(configDir, problems);
  if (problems.length > 0 || !scopes) throw new ConfigError(problems);
  return deepFreeze({ ...settings, configDir, scopes, apps, routes });
}
