// The operator API on the admin listener: apps, merchants and installations (DESIGN.md
// §10). Bearer-protected; every bad input is a 4xx naming each problem.

import Router from '@koa/router';
import Koa from 'koa';
import { SUPPORTED_PROVIDERS } from '../access/policy.ts';
import { publicView, type RegistryDeps, registerApp } from '../apps/registry.ts';
import { invalidRequest, notFound } from '../errors/index.ts';
import { readJson } from '../http/body.ts';
import { jsonErrors } from '../http/errors.ts';
import { healthRoutes } from '../http/health.ts';
import type { Logger } from '../log.ts';
import { createMerchant } from '../merchants/service.ts';
import type { Metrics } from '../metrics/index.ts';
import { metricsRoute, observeRequests } from '../metrics/koa.ts';
import type { Revoker } from '../revocation/revoke.ts';
import type { Store } from '../store/types.ts';
import type { Webhooks } from '../webhooks/index.ts';
import { requireAdminToken } from './auth.ts';
import { dataFlowRoutes } from './data-flows.ts';
import { readQueryParams } from './query.ts';
import { reportRoutes } from './reports.ts';
import { usageReport } from './usage.ts';

export interface AdminDeps {
  store: Store;
  revoker: Revoker;
  registry: RegistryDeps;
  adminToken: string;
  logger: Logger;
  metrics: Metrics;
  webhooks?: Pick<Webhooks, 'adminRoutes'>;
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

export function createAdminApp(deps: AdminDeps): Koa {
  const { store, logger } = deps;
  const app = new Koa();
  app.silent = true;
  app.on('error', (err: Error) => logger.debug({ err }, 'admin connection error'));
  const router = new Router({ prefix: '/admin' });

  router.post('/apps', async (ctx) => {
    ctx.status = 201;
    ctx.body = await registerApp(deps.registry, objectBody(ctx.request.body));
  });

  router.get('/apps/:id', async (ctx) => {
    const found = await store.apps.get(ctx.params.id ?? '');
    if (!found) throw notFound(`app ${ctx.params.id}`);
    ctx.body = publicView(found);
  });

  router.post('/merchants', async (ctx) => {
    const merchant = await createMerchant(store.merchants, objectBody(ctx.request.body));
    ctx.status = 201;
    ctx.body = { id: merchant.id, email: merchant.email, sites: merchant.sites };
  });

  router.get('/installations', async (ctx) => {
    const filter = readQueryParams(ctx.query, ['app', 'site', 'merchant'], 'installations');
    ctx.body = { installations: await store.installations.list(filter) };
  });

  router.get('/installations/:id', async (ctx) => {
    const found = await store.installations.get(ctx.params.id ?? '');
    if (!found) throw notFound(`installation ${ctx.params.id}`);
    ctx.body = found;
  });

  router.get('/usage', usageReport(store));

  router.post('/installations/:id/revoke', async (ctx) => {
    const body = ctx.request.body === undefined ? {} : objectBody(ctx.request.body);
    const reason = body.reason;
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) {
      throw invalidRequest('invalid revocation', [
        { path: 'reason', message: 'must be a string of at most 500 characters' },
      ]);
    }
    ctx.state.installation = ctx.params.id;
    ctx.body = await deps.revoker.revoke(ctx.params.id ?? '', {
      by: 'operator',
      reason: reason ?? null,
    });
  });

  reportRoutes(router, {
    store,
    catalogue: deps.registry.catalogue,
    providers: SUPPORTED_PROVIDERS,
  });
  dataFlowRoutes(router, { store, catalogue: deps.registry.catalogue });

  app.use(observeRequests(deps.metrics, logger, 'admin'));
  app.use(jsonErrors(logger));
  app.use(healthRoutes(() => store.ping()));
  // Unauthenticated like any Prometheus target: the admin listener is internal (ADMIN_HOST).
  app.use(metricsRoute(deps.metrics));
  app.use(requireAdminToken(deps.adminToken, (p) => p === '/healthz' || p === '/readyz'));
  app.use(readJson('256kb'));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  const hooks = deps.webhooks?.adminRoutes();
  if (hooks) {
    app.use(hooks.routes());
    app.use(hooks.allowedMethods({ throw: false }));
  }
  return app;
}
