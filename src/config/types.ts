// The shape every role reads its configuration through: the scalar settings plus what
// CONFIG_DIR holds (scope catalogue, preloaded apps, route table).
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { AppFile } from './files.ts';
import type { Settings } from './settings.ts';

/** The validated, frozen configuration (DESIGN.md §1). */
export interface Config extends Settings {
  /** CONFIG_DIR, default `config`, absolute: scopegate.json, scopes.json, routes.json, apps/. */
  configDir: string;
  /** `scopes.json`, or the built-in SitePack catalogue when absent. */
  scopes: ScopeCatalogue;
  /** `apps/*.json` in file-name order, validated later by the app registry. */
  apps: AppFile[];
  /** Raw `routes.json` (checked by the gateway at start-up); undefined = default table. */
  routes: unknown;
}
