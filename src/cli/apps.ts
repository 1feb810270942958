// `scopegate apps show`: a registered app as the admin API describes it (manifest and
// client id; secrets are never retrievable after registration). `scopegate apps review`:
// its least-privilege review from the gateway's usage counts (GET /admin/usage).
import type { Command } from 'commander';
import type { AppManifest } from '../apps/types.ts';
import type { UsageReview } from '../usage/review.ts';
import { adminRequest, connect } from './admin-client.ts';
import { fields, table } from './format.ts';
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

interface ReviewOptions {
  adminUrl?: string;
  json?: boolean;
  since?: string;
  includeRevoked?: boolean;
}

/** The review as text: the window, one row per installation and scope, then the summary. */
function reviewText(r: UsageReview): string {
  const head = fields([
    ['app', r.app],
    ['window', `${r.since} .. ${r.until}`],
    ['installations', r.installations.length],
  ]);
  if (r.installations.length === 0) return `${head}\n\nno installations to review`;
  const rows = r.installations.flatMap((i) =>
    i.scopes.map((s) => [
      i.id,
      i.site,
      s.scope,
      s.status,
      s.count,
      s.last_used,
      s.suggestion ? `use ${s.suggestion}` : undefined,
    ]),
  );
  const scopes = table(
    ['installation', 'site', 'scope', 'status', 'requests', 'last_used', 'suggestion'],
    rows,
  );
  const summary = fields([
    ['unused', r.summary.unused.map((u) => u.scope)],
    [
      'write only read',
      r.summary.write_only_read.map((w) => `${w.scope} (use ${w.suggestion} instead)`),
    ],
  ]);
  return `${head}\n\n${scopes}\n\nsummary (every installation above)\n${summary}`;
}

async function review(app: string, opts: ReviewOptions): Promise<void> {
  const query = new URLSearchParams({ app });
  if (opts.since !== undefined) query.set('since', opts.since);
  if (opts.includeRevoked) query.set('include_revoked', 'true');
  const body = (await adminRequest(connect(opts), 'GET', `/admin/usage?${query}`)) as UsageReview;
  if (opts.json) return printJson(body);
  print(reviewText(body));
}

/** Adds `apps show` and `apps review` to the program. */
export function appCommands(program: Command): void {
  const group = program.command('apps').description('registered apps');
  adminOptions(
    group.command('show').description('one registered app').argument('<id>', 'app id (client_id)'),
  ).action(action(show));
  adminOptions(
    group
      .command('review')
      .description(
        'least-privilege review: approved scopes unused, and write scopes used only to read',
      )
      .argument('<id>', 'app id (client_id)')
      .option('--since <when>', 'window start: a duration like 30d, or an ISO date (default 30d)')
      .option('--include-revoked', 'review revoked installations too'),
  ).action(action(review));
}
