// `scopegate apps show`: a registered app as the admin API describes it (manifest and
// client id; secrets are never retrievable after registration).
import type { Command } from 'commander';
import type { AppManifest } from '../apps/types.ts';
import { adminRequest, connect } from './admin-client.ts';
import { fields } from './format.ts';
import { action, adminOptions, print, printJson } from './output.ts';

interface AppRecord {
  client_id: string;
  name: string;
  manifest: AppManifest;
  created_at: string;
}

function scopesLine(manifest: AppManifest): string[] {
  const optional = new Set(manifest.auth.optional_scopes);
  return manifest.auth.scopes.map((s) => (optional.has(s) ? `${s} (optional)` : s));
}

async function show(id: string, opts: { adminUrl?: string; json?: boolean }): Promise<void> {
  const app = (await adminRequest(
    connect(opts),
    'GET',
    `/admin/apps/${encodeURIComponent(id)}`,
  )) as AppRecord;
  if (opts.json) return printJson(app);
  const { manifest } = app;
  print(
    fields([
      ['client_id', app.client_id],
      ['name', app.name],
      ['client_type', manifest.auth.client_type],
      ['created_at', app.created_at],
      ['scopes', scopesLine(manifest)],
      ['redirect_uris', manifest.auth.redirect_uris],
      ['webhook_url', manifest.webhooks?.url],
      ['webhook_topics', manifest.webhooks?.topics ?? []],
    ]),
  );
}

/** Adds `apps show` to the program. */
export function appCommands(program: Command): void {
  const group = program.command('apps').description('registered apps');
  adminOptions(
    group.command('show').description('one registered app').argument('<id>', 'app id (client_id)'),
  ).action(action(show));
}
