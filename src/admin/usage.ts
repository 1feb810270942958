// GET /admin/usage: the least-privilege review of one app from the gateway's usage counts.
// Steps: read the query (every problem at once) → find the app → gather each reviewed
// installation's usage → the pure review (src/usage/review.ts).
import type { Middleware } from 'koa';
import { invalidRequest, notFound, type Problem } from '../errors/index.ts';
import type { Store } from '../store/types.ts';
import { type InstallationUsage, reviewApp, reviewedInstallations } from '../usage/review.ts';
import { parseWindow, type UsageWindow } from '../usage/window.ts';
import { queryParams } from './query.ts';

export type UsageDeps = Pick<Store, 'apps' | 'installations' | 'usage'>;

interface UsageQuery {
  app: string;
  window: UsageWindow;
  includeRevoked: boolean;
}

/** The query, or a 400 naming every problem: app missing, a bad since, a bad flag, extras. */
function readQuery(query: Record<string, string | string[] | undefined>, now: Date): UsageQuery {
  const problems: Problem[] = [];
  const params = queryParams(query, ['app', 'since', 'include_revoked'], problems);
  const { app } = params;
  if (query.app === undefined) problems.push({ path: 'app', message: 'required: an app id' });
  const parsed = parseWindow(params.since, now);
  if (!parsed.ok) problems.push(parsed.problem);
  const flag = params.include_revoked ?? 'false';
  if (flag !== 'true' && flag !== 'false') {
    problems.push({
      path: 'include_revoked',
      message: `expected true or false, got ${JSON.stringify(flag.slice(0, 40))}`,
    });
  }
  if (problems.length || !app || !parsed.ok) throw invalidRequest('invalid usage query', problems);
  return { app, window: parsed.window, includeRevoked: flag === 'true' };
}

/**
 * `GET /admin/usage?app=APP[&since=30d|2026-01-31][&include_revoked=true]`: which approved
 * scopes the app's installations used, from the gateway's counts (flushed every few
 * seconds, so the latest requests may be missing).
 *
 * - `since`: a duration `Nd` (the last N UTC days, today included; 1-400, default 30d) or
 *   an ISO date/time (from that UTC day on). Usage is kept per UTC day for 400 days, so
 *   the window is whole days: `since` in the answer is the start of its first day,
 *   `until` is now.
 * - Live installations only, newest approval first; `include_revoked=true` adds revoked ones.
 *
 * Answer:
 * ```
 * { app, since, until,
 *   installations: [{ id, site, merchant, approved_scopes, approved_at, revoked_at,
 *     scopes: [{ scope, count, last_used, last_write?, status, suggestion? }] }],
 *   summary: { unused: [{ scope, installations }],
 *              write_only_read: [{ scope, suggestion, installations }] } }
 * ```
 * Per approved scope: `count` = requests in the window it served. The gateway counts the
 * route's required scope, so a GET under a token holding `content:write` counts as
 * `content:read`; such reads are the write scope's when `content:read` was not approved.
 * `last_used` = the latest request it served, ever (null: never); `last_write` (write
 * scopes) = the latest that needed the write itself. `status`: `used`; `unused` (no
 * request in the window); `write_used_only_for_reads` (reads but no write in the window;
 * `suggestion` is the read scope). `summary` is per app: scopes no reviewed installation
 * used (each with the installations that approved it), and write scopes none used for a
 * write while some used them to read. 400 names every bad parameter; unknown app → 404.
 */
export function usageReport(deps: UsageDeps, clock: () => Date = () => new Date()): Middleware {
  return async (ctx) => {
    const now = clock();
    const q = readQuery(ctx.query, now);
    if (!(await deps.apps.get(q.app))) throw notFound(`app ${q.app}`);
    const installations = reviewedInstallations(await deps.installations.list({ app: q.app }), {
      includeRevoked: q.includeRevoked,
    });
    const usages = await Promise.all(
      installations.map(
        async (installation): Promise<InstallationUsage> => ({
          installation,
          totals: await deps.usage.get(installation.id),
          days: await deps.usage.days(installation.id, q.window.from, q.window.to),
        }),
      ),
    );
    ctx.body = reviewApp(q.app, usages, q.window);
  };
}
