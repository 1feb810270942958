// The access policy at the edges: loads what decideAccess needs for a report's site (each
// app's manifest, data flows and installations there) and decides every finding, and
// says which approval, if any, the merchant can give. The decisions are the policy's.
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { Store } from '../store/types.ts';
import { decideAccess } from './policy.ts';
import type { AccessDecision, AccessMode, Finding, RemediationTask, Report } from './types.ts';

export interface EvaluateDeps {
  store: Pick<Store, 'apps' | 'installations' | 'dataFlows'>;
  catalogue: ScopeCatalogue;
  providers: readonly string[];
}

/** What the merchant can approve for a finding: exactly these scopes, in this mode. */
export interface Approval {
  scopes: string[];
  mode: AccessMode;
  /** true when the task asked for more and this is the narrower set offered instead. */
  narrower: boolean;
}

export interface EvaluatedFinding {
  finding: Finding;
  decision: AccessDecision;
  approval: Approval | null;
}

/** A state the merchant's approval moves on: nothing is approved (any more) yet. */
const AWAITING = new Set(['missing_approval', 'revoked_access']);

/** The approval a decision allows: only when approving is all that is missing. */
function approvalOf(decision: AccessDecision, narrower: boolean): Approval | null {
  if (!AWAITING.has(decision.state) || decision.rejected_scopes.length > 0) return null;
  if (decision.remediation_access_mode === 'ticket-only') return null;
  return { scopes: decision.required_scopes, mode: decision.remediation_access_mode, narrower };
}

/** Decides one task for `site` with what the store holds now. */
export async function decideTask(
  deps: EvaluateDeps,
  site: string,
  task: RemediationTask,
): Promise<{ decision: AccessDecision; approval: Approval | null }> {
  const [app, dataFlows, installations] = await Promise.all([
    deps.store.apps.get(task.app),
    deps.store.dataFlows.list({ app: task.app }),
    deps.store.installations.list({ app: task.app, site }),
  ]);
  const decide = (t: RemediationTask) =>
    decideAccess({
      task: t,
      manifest: app?.manifest,
      catalogue: deps.catalogue,
      providers: deps.providers,
      dataFlows,
      installations,
    });
  const decision = decide(task);
  let approval = approvalOf(decision, false);
  // Too broad: the narrower set is offered when it would itself be approvable.
  if (!approval && decision.state === 'scope_too_broad' && decision.narrower_scopes) {
    const { requested_scopes: _, ...rest } = task;
    approval = approvalOf(decide({ ...rest, required_scopes: decision.narrower_scopes }), true);
  }
  return { decision, approval };
}

/** Every finding of a report, decided. */
export async function evaluateReport(
  deps: EvaluateDeps,
  report: Report,
): Promise<EvaluatedFinding[]> {
  return Promise.all(
    report.findings.map(async (finding) => ({
      finding,
      ...(await decideTask(deps, report.site, finding.task)),
    })),
  );
}
