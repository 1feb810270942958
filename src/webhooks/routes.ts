// The webhook part of the admin API: event intake, the delivery log and operator replay.
// Bad input throws a ScopegateError naming each problem; the admin app serializes it.
import Router from '@koa/router';
import { invalidRequest, notFound, type Problem } from '../errors/index.ts';
import type { IntakeResult } from './intake.ts';
import {
  DELIVERY_STATUSES,
  type Delivery,
  type DeliveryFilter,
  type DeliveryLog,
  type DeliveryStatus,
} from './types.ts';

/** What the routes call. */
export interface WebhookRouteDeps {
  intake(body: unknown): Promise<IntakeResult>;
  log: Pick<DeliveryLog, 'get' | 'list'>;
  replay(id: string): Promise<Delivery>;
}

const MAX_LIMIT = 1000;

function single(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const isStatus = (s: string): s is DeliveryStatus =>
  (DELIVERY_STATUSES as readonly string[]).includes(s);

/** `?app=&event=&status=&limit=` → a filter, or a 400 naming every bad parameter. */
export function deliveryFilter(query: Record<string, unknown>): DeliveryFilter {
  const problems: Problem[] = [];
  const filter: DeliveryFilter = {};
  const app = single(query.app);
  const event = single(query.event);
  const status = single(query.status);
  const limit = single(query.limit);
  if (app) filter.app = app;
  if (event) filter.event = event;
  if (status !== undefined) {
    if (isStatus(status)) filter.status = status;
    else
      problems.push({ path: 'status', message: `must be one of ${DELIVERY_STATUSES.join(', ')}` });
  }
  if (limit !== undefined) {
    const n = /^\d+$/.test(limit) ? Number(limit) : 0;
    if (n >= 1 && n <= MAX_LIMIT) filter.limit = n;
    else problems.push({ path: 'limit', message: `must be an integer 1-${MAX_LIMIT}` });
  }
  if (problems.length > 0) throw invalidRequest('invalid delivery query', problems);
  return filter;
}

/**
 * `POST /admin/events` → 202 `{id, deliveries, duplicate}`;
 * `GET /admin/deliveries?app=&event=&status=&limit=` → `{deliveries}` newest first;
 * `GET /admin/deliveries/:id`; `POST /admin/deliveries/:id/retry` → 202 with the delivery.
 */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = new Router({ prefix: '/admin' });

  router.post('/events', async (ctx) => {
    ctx.status = 202;
    ctx.body = await deps.intake(ctx.request.body);
  });

  router.get('/deliveries', async (ctx) => {
    ctx.body = { deliveries: await deps.log.list(deliveryFilter(ctx.query)) };
  });

  router.get('/deliveries/:id', async (ctx) => {
    const found = await deps.log.get(ctx.params.id ?? '');
    if (!found) throw notFound(`delivery ${ctx.params.id}`);
    ctx.body = found;
  });

  router.post('/deliveries/:id/retry', async (ctx) => {
    ctx.status = 202;
    ctx.body = await deps.replay(ctx.params.id ?? '');
  });

  return router;
}
