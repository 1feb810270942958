// What an operator may post to `POST /admin/reports`: the shape of a report and its
// references (the site's merchant, each task's app), every problem named at once. Whether a
// task is safe, supported or too broad is the access policy's call, shown on the report.
import { z } from 'zod';
import { keyPath, quoted } from '../apps/problems.ts';
import type { Problem } from '../errors/index.ts';
import { field } from '../json.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import {
  collect,
  line,
  lookable,
  prose,
  scopeList,
  scopeProblems,
  slug,
  typed,
} from './input-rules.ts';
import { type Report, TASK_KINDS } from './types.ts';

/** A report as posted: everything but `received_at`, which scopegate stamps. */
export type ReportInput = Omit<Report, 'received_at'>;

/** Bounds of a report; the admin body limit bounds the whole request besides these. */
export const REPORT_LIMITS = {
  findings: 200,
  scopes: 32,
  app: 64,
  site: 128,
  title: 200,
  evidence: 4000,
  provider: 64,
  target: 500,
  reason: 500,
  purpose: 200,
  instructions: 4000,
} as const;

/** What validation looks up: who owns a site, which apps are registered. */
export interface ReportReferences {
  siteExists(site: string): Promise<boolean>;
  appExists(app: string): Promise<boolean>;
}

export type ReportResult = { ok: true; report: ReportInput } | { ok: false; problems: Problem[] };

const L = REPORT_LIMITS;

/** The report schema for one catalogue: shapes, bounds and scope names. */
export function reportSchema(catalogue: ScopeCatalogue) {
  const scopes = (at: string) => scopeList(at, scopeProblems(catalogue), L.scopes);
  const task = z.strictObject(
    {
      app: line(L.app),
      kind: z.enum(TASK_KINDS, typed(`one of ${TASK_KINDS.join(', ')}`)),
      provider: line(L.provider),
      target: line(L.target),
      required_scopes: scopes('required_scopes'),
      requested_scopes: scopes('requested_scopes').optional(),
      needs_live_write: z.strictObject({ reason: line(L.reason) }, typed('an object')).optional(),
      data_purpose: line(L.purpose).optional(),
      instructions: prose(L.instructions),
    },
    typed('an object'),
  );
  const finding = z.strictObject(
    { id: slug(), title: line(L.title), evidence: prose(L.evidence).optional(), task },
    typed('an object'),
  );
  return z.strictObject(
    {
      id: slug(),
      site: line(L.site),
      findings: z
        .array(finding, typed('a list'))
        .min(1, 'must hold at least one finding')
        .max(L.findings, `must hold at most ${L.findings} findings`),
    },
    typed('a JSON object'),
  );
}

/** The finding ids and task apps of a raw body, wherever they are strings. */
function rawFindings(input: unknown): { id?: string; app?: string }[] {
  const findings = field(input, 'findings');
  if (!Array.isArray(findings) || findings.length > L.findings) return [];
  return findings.map((raw) => {
    const id = field(raw, 'id');
    const app = field(field(raw, 'task'), 'app');
    return {
      ...(typeof id === 'string' ? { id } : {}),
      ...(lookable(app, L.app) ? { app } : {}),
    };
  });
}

/** Each finding id used again is a problem at its later index, naming the first. */
function duplicateIds(findings: { id?: string }[]): Problem[] {
  const first = new Map<string, number>();
  return findings.flatMap(({ id }, i): Problem[] => {
    if (id === undefined) return [];
    const earlier = first.get(id);
    if (earlier === undefined) {
      first.set(id, i);
      return [];
    }
    return [{ path: `findings[${i}].id`, message: `duplicate of findings[${earlier}].id` }];
  });
}

/** The site and apps a raw body names that do not exist; each app is looked up once. */
async function referenceProblems(input: unknown, refs: ReportReferences): Promise<Problem[]> {
  const site = field(input, 'site');
  const findings = rawFindings(input);
  const apps = [...new Set(findings.flatMap(({ app }) => (app === undefined ? [] : [app])))];
  const [siteKnown, appsKnown] = await Promise.all([
    lookable(site, L.site) ? refs.siteExists(site) : true,
    Promise.all(apps.map(async (app) => [app, await refs.appExists(app)] as const)),
  ]);
  const unknownApps = new Set(appsKnown.filter(([, known]) => !known).map(([app]) => app));
  const problems: Problem[] = [];
  if (!siteKnown)
    problems.push({ path: 'site', message: `no merchant owns site ${quoted(site as string)}` });
  findings.forEach(({ app }, i) => {
    if (app !== undefined && unknownApps.has(app)) {
      problems.push({
        path: keyPath(['findings', i, 'task', 'app']),
        message: `no registered app ${quoted(app)}`,
      });
    }
  });
  return problems;
}

/**
 * A validator for one catalogue (built once): shape and bounds by the schema, then duplicate
 * finding ids and unknown site or apps on whatever parts are well-formed, all reported together.
 */
export function reportValidator(catalogue: ScopeCatalogue) {
  const schema = reportSchema(catalogue);
  return async (input: unknown, refs: ReportReferences): Promise<ReportResult> => {
    const parsed = schema.safeParse(input);
    const more = [...duplicateIds(rawFindings(input)), ...(await referenceProblems(input, refs))];
    if (parsed.success && more.length === 0) {
      return { ok: true, report: parsed.data };
    }
    return { ok: false, problems: collect(parsed.error?.issues ?? [], more) };
  };
}
