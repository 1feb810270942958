// Webhook delivery throughput on loopback: 1,000 installations over 100 sites, events
// posted to the intake route, delivered by BullMQ workers to a local receiver.
// Measures deliveries/s, intake→receipt latency and Redis memory per queued delivery.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { bodyParser } from '@koa/bodyparser';
import { Redis } from 'ioredis';
import Koa from 'koa';
import { Agent, request } from 'undici';
import { registerApp } from '../src/apps/registry.ts';
import { jsonErrors } from '../src/http/errors.ts';
import { createLogger } from '../src/log.ts';
import { sitepackCatalogue } from '../src/scopes/index.ts';
import { createRedisStore } from '../src/store/redis/index.ts';
import type { Store } from '../src/store/types.ts';
import { createWebhooks, retrySchedule, type Webhooks } from '../src/webhooks/index.ts';
import { startRedis } from '../test/support/redis.ts';

const SITES = 100;
const APPS = 10; // each installed on every site: 1,000 installations, 10 per site
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000);
const MEMORY_EVENTS = 1000;
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 100);
const INTAKE_CONCURRENCY = 32;
const DEADLINE_MS = 120_000;
const PACED_RATE = 100;
/** Issue 5's target for the saturated run. */
const TARGET_PER_SECOND = 2000;
const PACED_EVENTS = 1500;

const logger = createLogger({ level: 'silent' });
const catalogue = sitepackCatalogue();
const sealingKey = randomBytes(32);
const site = (i: number) => `s_${i % SITES}`;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Counts receipts and the intake→receipt latency carried in the payload. */
async function startReceiver() {
  const latencies: number[] = [];
  let last = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { data: { sent: number } };
      latencies.push(now - body.data.sent);
      last = now;
      res.writeHead(204).end();
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    latencies,
    lastAt: () => last,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function seed(store: Store, url: string): Promise<void> {
  const registry = { apps: store.apps, catalogue, sealingKey, allowPrivateAddresses: true };
  const approvedAt = new Date().toISOString();
  for (let a = 0; a < APPS; a++) {
    await registerApp(registry, {
      uuid: `bench-${a}`,
      name: `Bench ${a}`,
      auth: { scopes: ['content:read'], redirect_uris: ['https://bench.example/cb'] },
      webhooks: { url, topics: ['content/updated'] },
    });
    await Promise.all(
      Array.from({ length: SITES }, (_, s) =>
        store.installations.create({
          id: `g_${a}_${s}`,
          app: `bench-${a}`,
          merchant: `m_${s}`,
          site: site(s),
          requested_scopes: ['content:read'],
          approved_scope: { scopes: ['content:read'], site: site(s), audience: 'bench' },
          access_mode: 'read-only',
          approved_at: approvedAt,
          approved_by: `m_${s}`,
          revoked_at: null,
          revoked_by: null,
          revoke_reason: null,
          enforced_at: null,
        }),
      ),
    );
  }
}

function webhooksFor(store: Store, redisUrl: string, prefix: string): Webhooks {
  return createWebhooks({
    store,
    catalogue,
    sealingKey,
    allowPrivateAddresses: true,
    logger,
    redisUrl,
    prefix,
    schedule: retrySchedule([1000, 2000]),
    concurrency: CONCURRENCY,
  });
}

/** The intake route on a Koa listener, as the admin app mounts it. */
async function intakeServer(webhooks: Webhooks) {
  const app = new Koa();
  app.use(jsonErrors(logger));
  app.use(bodyParser({ enableTypes: ['json'] }));
  app.use(webhooks.adminRoutes().routes());
  const server = createServer(app.callback());
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/admin/events`, server };
}

/**
 * Posts `count` events with bounded concurrency, as fast as intake takes them or at
 * `perSecond`; returns the deliveries queued.
 */
async function postEvents(
  url: string,
  count: number,
  offset: number,
  perSecond?: number,
): Promise<number> {
  const agent = new Agent({ connections: INTAKE_CONCURRENCY });
  const start = Date.now();
  let next = 0;
  let queued = 0;
  const poster = async () => {
    while (next < count) {
      const n = next++;
      const i = offset + n;
      const due = perSecond ? start + (n * 1000) / perSecond : 0;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `evt_${i}`,
          topic: 'content/updated',
          site: site(i),
          payload: { sent: Date.now(), page: `p${i}` },
        }),
      });
      const body = (await res.body.json()) as { deliveries: number };
      if (res.statusCode !== 202) throw new Error(`intake ${res.statusCode}`);
      queued += body.deliveries;
    }
  };
  await Promise.all(Array.from({ length: INTAKE_CONCURRENCY }, poster));
  await agent.close();
  return queued;
}

async function usedMemory(client: Redis): Promise<number> {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/** Worker processes (the worker role alone), consuming the same queue. */
function startWorkers(redisUrl: string, prefix: string): Promise<ChildProcess[]> {
  const script = fileURLToPath(new URL('../test/webhooks/worker-process.ts', import.meta.url));
  return Promise.all(
    Array.from(
      { length: WORKERS },
      () =>
        new Promise<ChildProcess>((resolve, reject) => {
          const child = spawn(process.execPath, [script], {
            env: {
              ...process.env,
              WH_REDIS_URL: redisUrl,
              WH_PREFIX: prefix,
              WH_SEALING_KEY: sealingKey.toString('hex'),
              WH_CONCURRENCY: String(CONCURRENCY),
            },
            stdio: ['ignore', 'pipe', 'inherit'],
          });
          child.stdout?.on('data', (c: Buffer) => c.toString().includes('ready') && resolve(child));
          child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
        }),
    ),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  const exited = workers.map((w) => new Promise((r) => w.once('exit', r)));
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(exited);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const redis = await startRedis();
const client = new Redis(redis.url);
const receiver = await startReceiver();
const rows: Record<string, string | number>[] = [];

// 1. Memory: queue with no worker running, INFO memory before and after.
{
  const prefix = 'mem:';
  const store = createRedisStore({ url: redis.url, prefix });
  await seed(store, receiver.url);
  const webhooks = webhooksFor(store, redis.url, prefix);
  const intake = await intakeServer(webhooks);
  const before = await usedMemory(client);
  const queued = await postEvents(intake.url, MEMORY_EVENTS, 0);
  const after = await usedMemory(client);
  rows.push({ metric: 'deliveries queued (worker paused)', value: queued });
  rows.push({
    metric: 'Redis bytes per queued delivery',
    value: Math.round((after - before) / queued),
  });
  // The same backlog drained by the workers: delivery throughput without intake.
  const drainStart = Date.now();
  const workers = await startWorkers(redis.url, prefix);
  while (receiver.latencies.length < queued && Date.now() - drainStart < DEADLINE_MS) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const drainSeconds = (receiver.lastAt() - drainStart) / 1000;
  rows.push({
    metric: 'backlog drain deliveries/s',
    value: Math.round(receiver.latencies.length / drainSeconds),
  });
  await stopWorkers(workers);
  intake.server.close();
  await webhooks.close();
  await store.close();
  await client.flushall();
}

/** Runs one phase with fresh keys: seed, workers, post events, wait for every receipt. */
async function phase(prefix: string, events: number, offset: number, perSecond?: number) {
  const store = createRedisStore({ url: redis.url, prefix });
  await seed(store, receiver.url);
  receiver.latencies.length = 0;
  const webhooks = webhooksFor(store, redis.url, prefix);
  const intake = await intakeServer(webhooks);
  const workers = await startWorkers(redis.url, prefix);
  const started = Date.now();
  const queued = await postEvents(intake.url, events, offset, perSecond);
  const intakeSeconds = (Date.now() - started) / 1000;
  while (receiver.latencies.length < queued && Date.now() - started < DEADLINE_MS) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (receiver.lastAt() - started) / 1000;
  const sorted = [...receiver.latencies].sort((a, b) => a - b);
  await stopWorkers(workers);
  intake.server.close();
  await webhooks.close();
  await store.close();
  await client.flushall();
  return {
    queued,
    received: sorted.length,
    intakePerSecond: Math.round(events / intakeSeconds),
    perSecond: Math.round(sorted.length / seconds),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

// 2. Throughput: events posted as fast as intake takes them; latency includes the backlog.
{
  const r = await phase('tp:', EVENTS, 100_000);
  rows.push({ metric: 'worker processes × concurrency', value: `${WORKERS} × ${CONCURRENCY}` });
  rows.push({ metric: 'saturated: events posted', value: EVENTS });
  rows.push({ metric: 'saturated: intake events/s', value: r.intakePerSecond });
  rows.push({
    metric: 'saturated: deliveries queued / received',
    value: `${r.queued} / ${r.received}`,
  });
  rows.push({ metric: 'saturated: deliveries/s end to end', value: r.perSecond });
  rows.push({
    metric: `target ≥ ${TARGET_PER_SECOND} deliveries/s end to end`,
    value: r.perSecond >= TARGET_PER_SECOND ? 'met' : 'NOT met',
  });
  rows.push({ metric: 'saturated: intake→receipt p50 / p99 (ms)', value: `${r.p50} / ${r.p99}` });
}

// 3. Latency below saturation: a steady PACED_RATE events/s (10 deliveries each).
{
  const r = await phase('lat:', PACED_EVENTS, 200_000, PACED_RATE);
  rows.push({
    metric: `paced ${PACED_RATE} events/s: deliveries/s`,
    value: r.perSecond,
  });
  rows.push({
    metric: `paced ${PACED_RATE} events/s: intake→receipt p50 / p99 (ms)`,
    value: `${r.p50} / ${r.p99}`,
  });
}

console.table(rows);
await receiver.close();
client.disconnect();
await redis.stop();
