// What an operator may post to `POST /admin/data-flows`: an app, the customer-data scopes
// it may hold and why. A flow is the exception that lets a task touch leads or payments,
// so it names only such scopes: a flow for content scopes would approve nothing.
import { z } from 'zod';
import { quoted } from '../apps/problems.ts';
import type { Problem } from '../errors/index.ts';
import { field } from '../json.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import { isCustomerDataScope } from './customer-data.ts';
import { collect, line, lookable, scopeList, scopeProblems, typed } from './input-rules.ts';
import type { DataFlow } from './types.ts';

/** A data flow as posted: scopegate adds `id` and `created_at`. */
export type DataFlowInput = Pick<DataFlow, 'app' | 'scopes' | 'purpose'>;

export const DATA_FLOW_LIMITS = { app: 64, scopes: 32, purpose: 200 } as const;

export type DataFlowResult = { ok: true; flow: DataFlowInput } | { ok: false; problems: Problem[] };

/** The data-flow schema for one catalogue. */
function dataFlowSchema(catalogue: ScopeCatalogue) {
  const customerData = catalogue.entries
    .filter((e) => isCustomerDataScope(catalogue, e.scope))
    .map((e) => e.scope);
  const notCustomerData = (scope: string): string[] =>
    isCustomerDataScope(catalogue, scope)
      ? []
      : [
          `${quoted(scope)} is not customer data; a data flow covers only ${customerData.join(', ') || 'customer-data scopes, and this catalogue has none'}`,
        ];
  return z.strictObject(
    {
      app: line(DATA_FLOW_LIMITS.app),
      scopes: scopeList(
        'scopes',
        scopeProblems(catalogue, notCustomerData),
        DATA_FLOW_LIMITS.scopes,
      ).min(1, 'must name at least one scope'),
      purpose: line(DATA_FLOW_LIMITS.purpose),
    },
    typed('a JSON object'),
  );
}

/** A validator for one catalogue (built once): the schema, then whether the app exists. */
export function dataFlowValidator(catalogue: ScopeCatalogue) {
  const schema = dataFlowSchema(catalogue);
  return async (
    input: unknown,
    refs: { appExists(app: string): Promise<boolean> },
  ): Promise<DataFlowResult> => {
    const parsed = schema.safeParse(input);
    const app = field(input, 'app');
    const more: Problem[] =
      lookable(app, DATA_FLOW_LIMITS.app) && !(await refs.appExists(app))
        ? [{ path: 'app', message: `no registered app ${quoted(app)}` }]
        : [];
    if (parsed.success && more.length === 0) return { ok: true, flow: parsed.data };
    return { ok: false, problems: collect(parsed.error?.issues ?? [], more) };
  };
}
