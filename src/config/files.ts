// The configuration files under CONFIG_DIR: scopegate.json, scopes.json, routes.json and
// apps/*.json. A missing optional file is no problem; an unreadable or invalid one is.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors/index.ts';
import { buildCatalogue, type ScopeCatalogue, sitepackCatalogue } from '../scopes/index.ts';

/** One app manifest preloaded from `CONFIG_DIR/apps/`, validated later by the app registry. */
export interface AppFile {
  /** Absolute path of the file, for error messages. */
  file: string;
  /** The parsed JSON, not yet validated. */
  manifest: unknown;
}

export type JsonFile =
  | { state: 'missing' }
  | { state: 'broken' }
  | { state: 'read'; value: unknown };

const errorCode = (err: unknown): string | undefined =>
  err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;

/** Reads and parses a JSON file; a problem at `label` when it exists but cannot be used. */
export function readJsonFile(path: string, label: string, problems: Problem[]): JsonFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { state: 'missing' };
    problems.push({ path: label, message: `cannot be read (${errorCode(err) ?? String(err)})` });
    return { state: 'broken' };
  }
  try {
    return { state: 'read', value: JSON.parse(text) };
  } catch (err) {
    problems.push({ path: label, message: `is not valid JSON: ${(err as Error).message}` });
    return { state: 'broken' };
  }
}

/** `scopes.json`, or the built-in SitePack catalogue when the file is absent. */
export function loadCatalogue(configDir: string, problems: Problem[]): ScopeCatalogue | undefined {
  const file = readJsonFile(join(configDir, 'scopes.json'), 'scopes.json', problems);
  if (file.state === 'missing') return sitepackCatalogue();
  if (file.state === 'broken') return undefined;
  const built = buildCatalogue(file.value);
  if (built.ok) return built.catalogue;
  problems.push(
    ...built.problems.map((p) => ({ path: `scopes.json#${p.path}`, message: p.message })),
  );
  return undefined;
}

/** Every `apps/*.json`, in file-name order; none when the folder is absent. */
export function loadAppFiles(configDir: string, problems: Problem[]): AppFile[] {
  const dir = join(configDir, 'apps');
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.json'))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if (errorCode(err) !== 'ENOENT')
      problems.push({ path: 'apps/', message: `cannot be read (${errorCode(err)})` });
    return [];
  }
  return names.flatMap((name) => {
    const file = join(dir, name);
    const json = readJsonFile(file, `apps/${name}`, problems);
    return json.state === 'read' ? [{ file, manifest: json.value }] : [];
  });
}

/** The raw `routes.json` (validated by the gateway), or undefined for the default table. */
export function loadRoutes(configDir: string, problems: Problem[]): unknown {
  const file = readJsonFile(join(configDir, 'routes.json'), 'routes.json', problems);
  return file.state === 'read' ? file.value : undefined;
}
