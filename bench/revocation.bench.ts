// Revocation propagation: two gateway processes on one Redis; for 200 trials, the time
// from the revoke call to the first 401 at each gateway (polled every 1 ms); and gateway
// req/s with an empty revoked set (measured before any trial) against 100k revoked ids.
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { redisKeys } from '../src/store/redis/keys.ts';
import { startGatewayProcess } from '../test/support/gateway-process.ts';
import { freePort } from '../test/support/ports.ts';
import { rawRequest } from '../test/support/raw-http.ts';
import { startRedis } from '../test/support/redis.ts';
import { startTestSystem, type TestSystem } from '../test/support/system.ts';
import { mint } from '../test/support/tokens.ts';
import { startUpstream } from '../test/support/upstream.ts';

const TRIALS = Number(process.env.BENCH_REVOKE_TRIALS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const round = (n: number) => Math.round(n * 100) / 100;

async function firstRefusal(base: string, token: string, from: number): Promise<number> {
  for (;;) {
    const tick = performance.now();
    const res = await rawRequest(base, 'GET', '/api/content/x', {
      authorization: `Bearer ${token}`,
    });
    if (res.status === 401) return performance.now() - from;
    if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
    const wait = 1 - (performance.now() - tick);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

async function record(sys: TestSystem, i: number): Promise<string> {
  const id = `bench-inst-${i}-${Date.now()}`;
  await sys.store.installations.create({
    id,
    app: 'bench-app',
    merchant: 'm_bench',
    site: 's_bench',
    requested_scopes: ['content:read'],
    approved_scope: { scopes: ['content:read'], site: 's_bench', audience: sys.config.apiAudience },
    access_mode: 'read-only',
    approved_at: new Date().toISOString(),
    approved_by: 'm_bench',
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    enforced_at: null,
  });
  return mint(sys, { claims: { installation: id, scope: 'content:read' } });
}

async function reqPerSec(url: string, token: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/api/content/x`,
    connections: 50,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
  return Math.round(result.requests.average);
}

/**
 * A fresh gateway process, warmed up (JIT, pools) and then measured, with the size of its
 * in-memory revoked set as its own metrics report it.
 */
async function throughput(
  sys: TestSystem,
  token: string,
): Promise<{ revokedSetSize: number; reqPerSec: number }> {
  const metricsPort = await freePort();
  const gateway = await startGatewayProcess(sys, { METRICS_PORT: String(metricsPort) });
  try {
    await reqPerSec(gateway.url, token);
    const measured = await reqPerSec(gateway.url, token);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const size = /^scopegate_revoked_set_size (\S+)$/m.exec(metrics)?.[1];
    return { revokedSetSize: Number(size), reqPerSec: measured };
  } finally {
    await gateway.stop();
  }
}

const redis = await startRedis();
const upstream = await startUpstream();
const sys = await startTestSystem({ redisUrl: redis.url, env: { PLATFORM_API_URL: upstream.url } });
const second = await startGatewayProcess(sys);
try {
  // Before any trial: nothing has been revoked yet, so the revoked set is truly empty.
  const liveToken = await record(sys, -1);
  const empty = await throughput(sys, liveToken);

  const gateways = {
    'gateway 1 (in the revoking process)': sys.gatewayUrl,
    'gateway 2 (own process)': second.url,
  };
  const delays: Record<string, number[]> = Object.fromEntries(
    Object.keys(gateways).map((k) => [k, []]),
  );
  const calls: number[] = [];
  const enforced: number[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const token = await record(sys, i);
    const id = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    ).installation;
    for (const base of Object.values(gateways))
      await rawRequest(base, 'GET', '/api/content/x', { authorization: `Bearer ${token}` });
    const t0 = performance.now();
    const watchers = Object.entries(gateways).map(async ([name, base]) => {
      delays[name]?.push(await firstRefusal(base, token, t0));
    });
    const res = await sys.admin('POST', `/admin/installations/${id}/revoke`, {});
    calls.push(performance.now() - t0);
    enforced.push(Date.parse(res.body.enforced_at) - Date.parse(res.body.revoked_at));
    await Promise.all(watchers);
  }
  const rows = Object.entries({
    ...delays,
    'revoke call (until it returned)': calls,
    'enforced_at - revoked_at': enforced,
  }).map(([what, values]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return {
      what,
      trials: sorted.length,
      p50_ms: round(pct(sorted, 50)),
      p99_ms: round(pct(sorted, 99)),
      max_ms: round(sorted.at(-1) ?? 0),
    };
  });
  console.log(`Revocation propagation (${TRIALS} trials, target p99 ≤ 100 ms)`);
  console.table(rows);

  const client = new Redis(redis.url);
  const until = Date.now() + 3_600_000;
  for (let batch = 0; batch < 100; batch++) {
    const args: (string | number)[] = [];
    for (let j = 0; j < 1000; j++) args.push(until, `bulk-${batch}-${j}`);
    await client.zadd(redisKeys().revoked(), ...args);
  }
  // Only the 100k: the trials' ids are dropped, so the two runs differ by set size alone.
  await client.zremrangebyscore(redisKeys().revoked(), '-inf', `(${until}`);
  await client.quit();
  const full = await throughput(sys, liveToken);
  console.log('Gateway throughput by revoked-set size (one gateway process, 50 connections)');
  console.table([
    { revoked_set: 'empty', ids_in_memory: empty.revokedSetSize, req_per_s: empty.reqPerSec },
    {
      revoked_set: '100,000 ids',
      ids_in_memory: full.revokedSetSize,
      req_per_s: full.reqPerSec,
      ratio: round(full.reqPerSec / empty.reqPerSec),
    },
  ]);
  console.log(
    `BENCH_JSON ${JSON.stringify({
      propagation: rows,
      throughput: { empty: empty.reqPerSec, full: full.reqPerSec },
      revokedSetSizes: { empty: empty.revokedSetSize, full: full.revokedSetSize },
    })}`,
  );
} finally {
  await second.stop();
  await sys.stop();
  await upstream.close();
  await redis.stop();
}
