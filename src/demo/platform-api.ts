// The built-in demo platform API behind the default routes when PLATFORM_API_URL is
// unset: per-site content, media, leads and payments in memory, answering with what
// the gateway told it (app, site, scopes) so the scope checks can be seen working.
import Router from '@koa/router';
import Koa from 'koa';
import { readJson } from '../http/body.ts';

const RESOURCES = ['content', 'media', 'leads', 'payments'] as const;

type Item = { id: string } & Record<string, unknown>;

export function createDemoPlatformApi(): Koa {
  const data = new Map<string, Item[]>();
  const items = (site: string, resource: string): Item[] => {
    const key = `${site}/${resource}`;
    let list = data.get(key);
    if (!list) {
      list = [{ id: `${resource}-1`, title: `Sample ${resource} of ${site}` }];
      data.set(key, list);
    }
    return list;
  };
  const caller = (ctx: Koa.Context) => ({
    app: ctx.get('x-scopegate-app'),
    site: ctx.get('x-scopegate-site'),
    scopes: ctx.get('x-scopegate-scopes').split(' ').filter(Boolean),
  });

  const router = new Router({ prefix: '/api' });
  for (const resource of RESOURCES) {
    router.get(`/${resource}`, (ctx) => {
      ctx.body = { resource, caller: caller(ctx), items: items(caller(ctx).site, resource) };
    });
    router.get(`/${resource}/:id`, (ctx) => {
      const item = items(caller(ctx).site, resource).find((i) => i.id === ctx.params.id);
      ctx.status = item ? 200 : 404;
      ctx.body = item ?? { error: 'not_found' };
    });
    router.post(`/${resource}`, (ctx) => {
      const list = items(caller(ctx).site, resource);
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const item: Item = { ...body, id: `${resource}-${list.length + 1}` };
      list.push(item);
      ctx.status = 201;
      ctx.body = item;
    });
    router.delete(`/${resource}/:id`, (ctx) => {
      const list = items(caller(ctx).site, resource);
      const at = list.findIndex((i) => i.id === ctx.params.id);
      if (at >= 0) list.splice(at, 1);
      ctx.status = at >= 0 ? 204 : 404;
    });
  }
  const app = new Koa();
  app.use(readJson('1mb'));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
