// The report part of the admin API: audit reports posted by the operator's audit system,
// stored once per id. A re-post of the same report is answered with the stored one, so a
// retrying client is safe; different content under a taken id is a conflict.
import { isDeepStrictEqual } from 'node:util';
import type Router from '@koa/router';
import { evaluateReport } from '../access/evaluate.ts';
import { type ReportInput, reportValidator } from '../access/report-input.ts';
import type { Report } from '../access/types.ts';
import { conflict, invalidRequest, notFound } from '../errors/index.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { Store } from '../store/types.ts';
import { readQueryParams } from './query.ts';

export interface ReportRouteDeps {
  store: Pick<Store, 'reports' | 'merchants' | 'apps' | 'installations' | 'dataFlows'>;
  catalogue: ScopeCatalogue;
  /** Providers remediation tasks may use (the access policy's input). */
  providers: readonly string[];
  /** The clock that stamps received_at. */
  now?: () => Date;
}

/** true when a stored report holds exactly what was posted (received_at aside). */
function samePost(stored: Report, input: ReportInput): boolean {
  const { received_at: _, ...content } = stored;
  return isDeepStrictEqual(content, input);
}

/** `?site=` as one non-empty string, or a 400 naming it. */
/**
 * Registers on the `/admin` router: `POST /reports` → 201 with the stored report (200 with
 * it for an identical re-post, 409 for different content under its id),
 * `GET /reports/:id`, and `GET /reports?site=` → `{reports}` newest first.
 */
export function reportRoutes(router: Router, deps: ReportRouteDeps): void {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const validate = reportValidator(deps.catalogue);
  const refs = {
    siteExists: async (site: string) => (await store.merchants.findBySite(site)) !== undefined,
    appExists: async (app: string) => (await store.apps.get(app)) !== undefined,
  };

  router.post('/reports', async (ctx) => {
    const result = await validate(ctx.request.body, refs);
    if (!result.ok) throw invalidRequest('invalid report', result.problems);
    const { id, site, findings } = result.report;
    const put = await store.reports.put({ id, site, findings, received_at: now().toISOString() });
    if (!put.created && !samePost(put.report, result.report)) {
      throw conflict(`report ${id} exists with different content; post it under a new id`);
    }
    ctx.status = put.created ? 201 : 200;
    ctx.body = put.report;
  });

  router.get('/reports', async (ctx) => {
    const { site } = readQueryParams(ctx.query, ['site'], 'report', ['site']);
    ctx.body = { reports: await store.reports.listBySite(site as string) };
  });

  router.get('/reports/:id', async (ctx) => {
    const found = await store.reports.get(ctx.params.id ?? '');
    if (!found) throw notFound(`report ${ctx.params.id}`);
    // Each finding with the access policy's decision as it stands now.
    const evaluated = await evaluateReport(deps, found);
    ctx.body = {
      ...found,
      findings: evaluated.map(({ finding, decision, approval }) => ({
        ...finding,
        access: { ...decision, approval },
      })),
    };
  });
}
