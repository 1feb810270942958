// The merchant's report routes: the report (page, or JSON on Accept: application/json),
// approving a finding's access (the consent page naming the task and mode, then exactly
// the approvable scopes recorded as an installation in that mode) and the fallback page.
// Only the merchant owning the report's site sees it; anyone else gets a plain 404.
import type { Context } from 'koa';
import {
  type Approval,
  decideTask,
  type EvaluateDeps,
  evaluateReport,
} from '../access/evaluate.ts';
import type { Finding, Report } from '../access/types.ts';
import type { ConsentPlan, ConsentRequest } from '../auth-server/consent.ts';
import { consentPage } from '../pages/consent.ts';
import { sendPage } from '../pages/layout.ts';
import { type FindingLinks, fallbackPage, reportPage } from '../pages/report.ts';
import { groupByResource, type ScopeCatalogue } from '../scopes/index.ts';
import type { Installation, Store } from '../store/types.ts';
import { sessionToken, sessionTokenValid } from './csrf.ts';
import { formField } from './form.ts';
import { type MerchantHandler, type SignedIn, sendAccountError } from './guard.ts';
import { revokePath } from './paths.ts';
import { pendingLinks } from './proposals.ts';

/** Records a merchant's approval as an installation (the consent service). */
export type RecordApproval = (req: ConsentRequest, plan: ConsentPlan) => Promise<Installation>;

export interface ReportDeps extends EvaluateDeps {
  store: EvaluateDeps['store'] & Pick<Store, 'reports' | 'proposals'>;
  catalogue: ScopeCatalogue;
  cookieKey: string;
  recordApproval: RecordApproval;
}

const NOT_FOUND = 'No report with this id exists for your sites.';

export const reportPath = (report: string) => `/reports/${encodeURIComponent(report)}`;
const findingPath = (report: string, finding: string, action: string) =>
  `${reportPath(report)}/findings/${encodeURIComponent(finding)}/${action}`;

/** The report `id` when one of the merchant's sites is its site. */
async function ownReport(
  deps: ReportDeps,
  account: SignedIn,
  id: string | undefined,
): Promise<Report | undefined> {
  const report = id ? await deps.store.reports.get(id) : undefined;
  return report && account.merchant.sites.some((s) => s.id === report.site) ? report : undefined;
}

async function ownFinding(
  deps: ReportDeps,
  ctx: Context,
  account: SignedIn,
): Promise<{ report: Report; finding: Finding } | undefined> {
  const report = await ownReport(deps, account, ctx.params.report);
  const finding = report?.findings.find((f) => f.id === ctx.params.finding);
  return report && finding ? { report, finding } : undefined;
}

/** GET /reports/:report — the page, or the same decisions as JSON. */
export function showReport(deps: ReportDeps): MerchantHandler {
  return async (ctx, account) => {
    const report = await ownReport(deps, account, ctx.params.report);
    if (!report) return sendAccountError(ctx, 404, NOT_FOUND);
    const evaluated = await evaluateReport(deps, report);
    const live = evaluated.flatMap((e) =>
      e.decision.revoke_path_visible && e.decision.installation
        ? [{ id: e.decision.installation, revoked_at: null }]
        : [],
    );
    const pending = await pendingLinks(deps.store, live);
    const findings = evaluated.map((e) => {
      const links: FindingLinks = {
        approve: e.approval ? findingPath(report.id, e.finding.id, 'approve') : null,
        revoke:
          e.decision.revoke_path_visible && e.decision.installation
            ? revokePath(e.decision.installation)
            : null,
        fallback: findingPath(report.id, e.finding.id, 'fallback'),
        pending: (e.decision.revoke_path_visible && pending[e.decision.installation ?? '']) || [],
      };
      return { ...e, links };
    });
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = {
        id: report.id,
        site: report.site,
        received_at: report.received_at,
        findings: findings.map(({ finding, decision, approval, links }) => ({
          ...finding,
          ...decision,
          approval,
          actions: links,
        })),
      };
      return;
    }
    sendPage(ctx, {
      title: `Report ${report.id}`,
      body: reportPage({
        merchantEmail: account.merchant.email,
        csrf: sessionToken(deps.cookieKey, account.session),
        reportId: report.id,
        siteName: account.merchant.sites.find((s) => s.id === report.site)?.name ?? report.site,
        findings,
      }),
    });
  };
}

/** The approval a finding allows now, or an error page saying why there is none. */
async function approvalNow(
  deps: ReportDeps,
  ctx: Context,
  account: SignedIn,
): Promise<{ report: Report; finding: Finding; approval: Approval } | undefined> {
  const found = await ownFinding(deps, ctx, account);
  if (!found) {
    sendAccountError(ctx, 404, NOT_FOUND);
    return undefined;
  }
  const { approval } = await decideTask(deps, found.report.site, found.finding.task);
  if (!approval) {
    sendAccountError(ctx, 409, 'This finding has nothing to approve now; see the report.');
    return undefined;
  }
  return { ...found, approval };
}

/** GET …/findings/:finding/approve — the consent page for exactly this task's access. */
export function confirmApproval(deps: ReportDeps): MerchantHandler {
  return async (ctx, account) => {
    const now = await approvalNow(deps, ctx, account);
    if (!now) return;
    const { report, finding, approval } = now;
    const app = await deps.store.apps.get(finding.task.app);
    const site = account.merchant.sites.filter((s) => s.id === report.site);
    const revoked = (
      await deps.store.installations.list({ app: finding.task.app, site: report.site })
    )
      .filter((i) => i.revoked_at)
      .slice(0, 1)
      .map((i) => ({ site: i.site, revoked_at: i.revoked_at ?? '' }));
    sendPage(ctx, {
      title: `Approve access for ${finding.title}`,
      body: consentPage({
        action: findingPath(report.id, finding.id, 'approve'),
        csrf: sessionToken(deps.cookieKey, account.session),
        appName: app?.manifest.name ?? finding.task.app,
        appId: finding.task.app,
        merchantEmail: account.merchant.email,
        groups: groupByResource(approval.scopes, deps.catalogue).map((g) => ({
          resource: g.resource,
          scopes: g.entries.map((entry) => ({ entry, optional: false })),
        })),
        sites: site,
        selectedSite: report.site,
        accessMode: approval.mode,
        previousRevocations: revoked,
        task: `${finding.title} (${finding.task.kind} on ${finding.task.target})`,
      }),
    });
  };
}

/** POST …/findings/:finding/approve — CSRF, the decision again, then the consent service. */
export function submitApproval(deps: ReportDeps): MerchantHandler {
  return async (ctx, account) => {
    if (!sessionTokenValid(deps.cookieKey, account.session, formField(ctx, 'csrf'))) {
      return sendAccountError(ctx, 403, 'Reload the page and try again; nothing was approved.');
    }
    const back = `${reportPath(ctx.params.report ?? '')}#finding-${ctx.params.finding ?? ''}`;
    if (formField(ctx, 'decision') === 'deny') {
      ctx.status = 303;
      return ctx.redirect(back);
    }
    const now = await approvalNow(deps, ctx, account);
    if (!now) return;
    const app = await deps.store.apps.get(now.finding.task.app);
    if (!app) return sendAccountError(ctx, 409, 'The app of this task is not registered.');
    await deps.recordApproval(
      {
        app,
        merchant: account.merchant,
        requested: now.approval.scopes,
        chosenOptional: [],
        site: now.report.site,
      },
      {
        approved: now.approval.scopes,
        rejected: [],
        site: now.report.site,
        accessMode: now.approval.mode,
      },
    );
    ctx.status = 303;
    ctx.redirect(back);
  };
}

/** GET …/findings/:finding/fallback — the ticket-only instructions. */
export function showFallback(deps: ReportDeps): MerchantHandler {
  return async (ctx, account) => {
    const found = await ownFinding(deps, ctx, account);
    if (!found) return sendAccountError(ctx, 404, NOT_FOUND);
    sendPage(ctx, {
      title: `Fallback for ${found.finding.title}`,
      body: fallbackPage({
        merchantEmail: account.merchant.email,
        csrf: sessionToken(deps.cookieKey, account.session),
        reportId: found.report.id,
        title: found.finding.title,
        instructions: found.finding.task.instructions,
        back: `${reportPath(found.report.id)}#finding-${found.finding.id}`,
      }),
    });
  };
}
