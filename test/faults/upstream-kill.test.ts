// The platform API behind the gateway crashes (SIGKILL) with requests in flight, stays
// down, comes back on the same port, then freezes (SIGSTOP): the gateway answers 502 while
// it is gone and 504 while it hangs — never a 500, never later than its timeouts — and
// serves 200 again as soon as the upstream is back, without a restart.
import type { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { report } from './support/figures.ts';
import { type Answer, bearer, pool, send } from './support/http.ts';
import { installApp } from './support/install.ts';
import { startUpstreamProcess, type UpstreamProcess } from './support/upstream-process.ts';
import { sleep, waitFor } from './support/wait.ts';

const UPSTREAM_TIMEOUT_MS = 1_000;
/** The gateway's connect timeout to its upstream (src/main.ts). */
const CONNECT_TIMEOUT_MS = 2_000;
/** Slack for a CPU shared with the other scenarios. */
const SLACK_MS = 1_500;

let redis: TestRedis;
let upstream: UpstreamProcess;
let sys: TestSystem;
let gateway: Pool;
let token: string;

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis(), startUpstreamProcess()]);
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { PLATFORM_API_URL: upstream.url, UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS) },
  });
  gateway = pool(sys.gatewayUrl, 16);
  await createMerchant(sys);
  token = (await installApp(sys, 'upstream-kill')).token;
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await sys?.stop();
  await upstream?.stop();
  await redis?.stop();
});

const get = (headers: Record<string, string> = {}, path = '/api/content/a') =>
  send(gateway, { method: 'GET', path, headers: { ...bearer(token), ...headers } }, 15_000);

/** `n` requests, `concurrency` at a time. */
async function batch(n: number, concurrency = 8, headers: Record<string, string> = {}) {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i += concurrency) {
    const round = Array.from({ length: Math.min(concurrency, n - i) }, () => get(headers));
    answers.push(...(await Promise.all(round)));
  }
  return answers;
}

function summary(answers: Answer[]) {
  const statuses: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 0 ? `error:${a.error}` : String(a.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
  }
  return { statuses, maxMs: Math.round(Math.max(0, ...answers.map((a) => a.ms))) };
}

it('answers 502 while the upstream is down, 504 while it hangs, and 200 once it is back', async () => {
  const baseline = summary(await batch(20));

  // Crash with requests in flight (the upstream holds them for 3 s).
  const inFlight = Array.from({ length: 10 }, () => get({ 'x-test-delay': '3000' }));
  await sleep(300);
  const killedAt = Date.now();
  await upstream.kill();
  const atKill = summary(await Promise.all(inFlight));

  // Down for at least two seconds: the gateway's pool keeps failing fast, not hanging.
  const downAnswers = await batch(50);
  await sleep(Math.max(0, killedAt + 2_000 - Date.now()));
  downAnswers.push(...(await batch(10)));
  const down = summary(downAnswers);
  const downForMs = Date.now() - killedAt;

  const restartedAt = Date.now();
  await upstream.restart();
  await waitFor(
    '200 after the upstream restarted',
    async () => (await get()).status === 200,
    10_000,
    20,
  );
  const restartToServingMs = Date.now() - restartedAt;
  const afterRestart = summary(await batch(40));

  // Frozen: the kernel still accepts connections, nothing answers.
  upstream.pause();
  const frozen = summary(await batch(16));
  upstream.resume();
  const thawedMs = await waitFor(
    '200 after SIGCONT',
    async () => (await get()).status === 200,
    10_000,
    20,
  );
  const afterThaw = summary(await batch(40));

  report('upstream-kill', {
    upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
    baseline,
    inFlightAtKill: atKill,
    whileDown: { ...down, downForMs },
    restartToFirst200Ms: restartToServingMs,
    afterRestart,
    whileFrozen: frozen,
    thawToFirst200Ms: thawedMs,
    afterThaw,
  });

  expect(baseline.statuses).toEqual({ 200: 20 });
  expect(atKill.statuses).toEqual({ 502: 10 });
  expect(down.statuses).toEqual({ 502: 60 });
  expect(down.maxMs).toBeLessThan(CONNECT_TIMEOUT_MS + SLACK_MS);
  expect(restartToServingMs).toBeLessThan(5_000);
  expect(afterRestart.statuses).toEqual({ 200: 40 });
  expect(frozen.statuses).toEqual({ 504: 16 });
  expect(frozen.maxMs).toBeLessThan(UPSTREAM_TIMEOUT_MS + SLACK_MS);
  expect(afterThaw.statuses).toEqual({ 200: 40 });
}, 120_000);
