// A bench-only gateway assembled from src/gateway's own pipeline steps, with some steps
// left out or without Koa, to attribute the real gateway's cost over the bare proxy.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Koa from 'koa';
import { loadConfig } from '../../src/config/index.ts';
import { loadRoutes, verifierFor } from '../../src/gateway/build.ts';
import { GatewayError } from '../../src/gateway/errors.ts';
import { pushHeader, relayable } from '../../src/gateway/headers.ts';
import { relay } from '../../src/gateway/index.ts';
import {
  authenticate,
  canonicalizePath,
  checkRevocation,
  checkScope,
  type Exchange,
  type GatewayDeps,
  matchRoute,
  newExchange,
  proxy,
  rewriteHeaders,
} from '../../src/gateway/pipeline.ts';
import { Upstreams } from '../../src/gateway/proxy.ts';
import type { RevokedSet } from '../../src/gateway/revoked-set.ts';
import { UsageCounter } from '../../src/gateway/usage.ts';
import { createLogger } from '../../src/log.ts';
import { createMemoryStore } from '../../src/store/memory/index.ts';
import { type BenchServer, serve } from './bench-server.ts';
import { BENCH_TOKEN } from './bench-token.ts';

/** The relay's logger: the bench reports failures itself. */
const SILENT = createLogger({ level: 'silent' });

type Step = (x: Exchange, deps: GatewayDeps) => void | Promise<void>;

/** Stands in for authenticate: every request carries this verified token (as a cache hit). */
const fixedToken: Step = (x) => {
  x.token = BENCH_TOKEN;
};

/** Stands in for rewriteHeaders: the client's headers as the bare proxy forwards them. */
const passHeaders: Step = (x) => {
  const out: string[] = [];
  for (const [name, value] of Object.entries(x.req.headers)) {
    if (value !== undefined && relayable(name)) pushHeader(out, name, value);
  }
  x.headers = out;
};

const STEPS = {
  canonicalizePath,
  matchRoute,
  authenticate,
  fixedToken,
  passHeaders,
  checkRevocation,
  checkScope,
  rewriteHeaders,
  proxy,
} satisfies Record<string, Step>;
export type StepName = keyof typeof STEPS;

export interface Variant {
  /** 'koa': relayed like src/gateway/index.ts; 'http': a plain node:http handler. */
  transport: 'koa' | 'http';
  steps: StepName[];
}

/** Nothing revoked, always fresh: the in-memory feed's cost without its bus. */
const NONE_REVOKED: RevokedSet = { has: () => false, isFresh: () => true, size: 0 };

async function deps(env: Record<string, string>): Promise<GatewayDeps> {
  const config = loadConfig({ env });
  return {
    routes: loadRoutes(config, config.platformApiUrl ?? ''),
    verifier: await verifierFor(config),
    revoked: NONE_REVOKED,
    upstreams: new Upstreams({
      maxBodyBytes: config.gatewayMaxBodyBytes,
      connectTimeoutMs: 2_000,
      headersTimeoutMs: config.upstreamTimeoutMs,
      bodyTimeoutMs: config.upstreamTimeoutMs,
    }),
    usage: new UsageCounter(),
    proposals: createMemoryStore().proposals,
  };
}

async function run(req: IncomingMessage, steps: Step[], d: GatewayDeps): Promise<Exchange> {
  const forwarding = { forwardedFor: '127.0.0.1', host: req.headers.host ?? '', proto: 'http' };
  const x = newExchange(req, forwarding);
  for (const step of steps) await step(x, d);
  return x;
}

function refusal(err: unknown): { status: number; body: string } {
  const known = err instanceof GatewayError ? err : undefined;
  const body = { error: known?.error ?? 'server_error', error_description: String(err) };
  return { status: known?.status ?? 500, body: JSON.stringify(body) };
}

function koaHandler(steps: Step[], d: GatewayDeps): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    try {
      const x = await run(ctx.req, steps, d);
      const res = x.response;
      if (!res) throw new Error('pipeline ended without a response');
      relay(ctx.res, res, x.requestId, SILENT);
      ctx.respond = false;
    } catch (err) {
      const { status, body } = refusal(err);
      ctx.status = status;
      ctx.body = body;
    }
  });
  return app;
}

function httpHandler(steps: Step[], d: GatewayDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const x = await run(req, steps, d);
      const answer = x.response;
      if (!answer) throw new Error('pipeline ended without a response');
      relay(res, answer, x.requestId, SILENT);
    } catch (err) {
      const { status, body } = refusal(err);
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    }
  };
}

export async function startVariant(
  env: Record<string, string>,
  variant: Variant,
): Promise<BenchServer> {
  const d = await deps(env);
  const steps = variant.steps.map((name) => STEPS[name]);
  const server =
    variant.transport === 'koa'
      ? createServer(koaHandler(steps, d).callback())
      : createServer(httpHandler(steps, d));
  return serve(server, () => d.upstreams.close());
}
