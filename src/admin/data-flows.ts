// The data-flow part of the admin API: an operator approves that one app may hold named
// customer-data scopes for one purpose, and withdraws it by deleting the flow.
import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import { dataFlowValidator } from '../access/data-flow-input.ts';
import type { DataFlow } from '../access/types.ts';
import { invalidRequest, notFound } from '../errors/index.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import type { Store } from '../store/types.ts';
import { readQueryParams } from './query.ts';

export interface DataFlowRouteDeps {
  store: Pick<Store, 'dataFlows' | 'apps'>;
  catalogue: ScopeCatalogue;
  /** The clock that stamps created_at. */
  now?: () => Date;
}

const newFlowId = (): string => `df_${randomBytes(12).toString('base64url')}`;

/** `?app=` as a filter: absent lists every flow; given twice is a 400. */
/**
 * Registers on the `/admin` router: `POST /data-flows` → 201 with the flow,
 * `DELETE /data-flows/:id` → 204 (404 if unknown), `GET /data-flows?app=` → `{data_flows}`.
 */
export function dataFlowRoutes(router: Router, deps: DataFlowRouteDeps): void {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const validate = dataFlowValidator(deps.catalogue);
  const refs = { appExists: async (app: string) => (await store.apps.get(app)) !== undefined };

  router.post('/data-flows', async (ctx) => {
    const result = await validate(ctx.request.body, refs);
    if (!result.ok) throw invalidRequest('invalid data flow', result.problems);
    const { app, scopes, purpose } = result.flow;
    const flow: DataFlow = {
      id: newFlowId(),
      app,
      scopes,
      purpose,
      created_at: now().toISOString(),
    };
    await store.dataFlows.create(flow);
    ctx.status = 201;
    ctx.body = flow;
  });

  router.delete('/data-flows/:id', async (ctx) => {
    if (!(await store.dataFlows.delete(ctx.params.id ?? ''))) {
      throw notFound(`data flow ${ctx.params.id}`);
    }
    ctx.status = 204;
  });

  router.get('/data-flows', async (ctx) => {
    const filter = readQueryParams(ctx.query, ['app'], 'data flow');
    ctx.body = { data_flows: await store.dataFlows.list(filter) };
  });
}
