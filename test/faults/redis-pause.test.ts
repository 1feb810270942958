// Redis paused (SIGSTOP): connections stay open but nothing answers. The gateway keeps
// serving from memory until its revocation feed is older than REVOCATION_STALENESS_MS,
// then fails closed with 503 — never a 200 for a token revoked just before the pause —
// and serves again by itself after SIGCONT, honouring a revocation retried once Redis is back.
import type { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { heartbeatFor } from '../../src/revocation/redis-bus.ts';
import { createMerchant } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { report } from './support/figures.ts';
import { pool, send, statusOf } from './support/http.ts';
import { type Installed, installApp } from './support/install.ts';
import { startUpstreamProcess, type UpstreamProcess } from './support/upstream-process.ts';
import { sleep, waitFor } from './support/wait.ts';

const STALENESS_MS = 1_000;
/** How long Redis stays paused after the gateway failed closed. */
const HOLD_MS = 3_000;
/** Slack for polling and a CPU shared with the other scenarios. */
const SLACK_MS = 1_500;

let redis: TestRedis;
let upstream: UpstreamProcess;
let sys: TestSystem;
let gateway: Pool;

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis({ aof: true }), startUpstreamProcess()]);
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { REVOCATION_STALENESS_MS: String(STALENESS_MS), PLATFORM_API_URL: upstream.url },
  });
  gateway = pool(sys.gatewayUrl);
  await createMerchant(sys);
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  redis?.resume();
  await sys?.stop();
  await redis?.stop();
  await upstream?.stop();
});

it('fails closed after the staleness bound while Redis is paused, and recovers after SIGCONT', async () => {
  const live = await installApp(sys, 'pause-live');
  const doomed = await installApp(sys, 'pause-doomed');
  const later: Installed = await installApp(sys, 'pause-later');
  expect(await statusOf(gateway, live.token)).toBe(200);
  expect(await statusOf(gateway, later.token)).toBe(200);
  const revoked = await sys.admin('POST', `/admin/installations/${doomed.installation}/revoke`, {});
  expect(revoked.status).toBe(200);
  expect(await statusOf(gateway, doomed.token)).toBe(401);

  // Pause, then poll the live and the revoked token until the gateway fails closed.
  const liveSeen: Record<number, number> = {};
  const doomedSeen: Record<number, number> = {};
  const count = (seen: Record<number, number>, s: number) => {
    seen[s] = (seen[s] ?? 0) + 1;
  };
  const pausedAt = Date.now();
  redis.pause();
  let failClosedMs = 0;
  let servedWhilePaused = 0;
  while (Date.now() - pausedAt < STALENESS_MS + 10_000) {
    const [s, d] = await Promise.all([
      statusOf(gateway, live.token),
      statusOf(gateway, doomed.token),
    ]);
    count(liveSeen, s);
    count(doomedSeen, d);
    if (s === 503) {
      failClosedMs = Date.now() - pausedAt;
      break;
    }
    if (s === 200) servedWhilePaused++;
    await sleep(25);
  }

  // Still paused: it must stay closed (no flapping back to 200), and an operator revoke
  // issued now cannot complete.
  const revokeDuringPause = sys.admin(
    'POST',
    `/admin/installations/${later.installation}/revoke`,
    {},
  );
  const holdUntil = Date.now() + HOLD_MS;
  while (Date.now() < holdUntil) {
    count(liveSeen, await statusOf(gateway, live.token));
    count(doomedSeen, await statusOf(gateway, doomed.token));
    await sleep(50);
  }
  const gatewayReadyz = (await send(gateway, { method: 'GET', path: '/readyz' })).status;
  const adminReadyz = (await fetch(`${sys.adminUrl}/readyz`)).status;
  const revokeDuringPauseStatus = (await revokeDuringPause).status;

  const resumedAt = Date.now();
  redis.resume();
  const recoverMs = await waitFor(
    'gateway serves again after SIGCONT',
    async () => (await statusOf(gateway, live.token)) === 200,
    15_000,
    25,
  );
  // The revocation asked for during the pause is retried now and takes effect.
  let revokeRetries = 0;
  await waitFor(
    'revoke succeeds after SIGCONT',
    async () => {
      revokeRetries++;
      const res = await sys.admin('POST', `/admin/installations/${later.installation}/revoke`, {});
      return res.status === 200 && typeof res.body.enforced_at === 'string';
    },
    15_000,
  );
  const afterStatuses = {
    live: await statusOf(gateway, live.token),
    doomed: await statusOf(gateway, doomed.token),
    revokedAfterResume: await statusOf(gateway, later.token),
  };
  const installationRecord = await sys.admin('GET', `/admin/installations/${doomed.installation}`);

  report('redis-pause', {
    stalenessBoundMs: STALENESS_MS,
    heartbeatMs: heartbeatFor(STALENESS_MS),
    failClosedAfterMs: failClosedMs,
    servedFromMemoryWhilePaused: servedWhilePaused,
    pausedForMs: resumedAt - pausedAt,
    recoveredAfterResumeMs: recoverMs,
    liveTokenStatusesWhilePaused: liveSeen,
    revokedTokenStatusesWhilePaused: doomedSeen,
    readyzWhilePaused: { gateway: gatewayReadyz, admin: adminReadyz },
    operatorRevokeDuringPause: revokeDuringPauseStatus,
    revokeCallsUntilEnforcedAfterResume: revokeRetries,
    afterResume: afterStatuses,
  });

  expect(failClosedMs).toBeGreaterThan(0);
  // The bound runs from the feed's last confirmation (a heartbeat, up to HEARTBEAT_MS
  // before the pause, more on a busy CPU), so only the upper side is asserted.
  expect(failClosedMs).toBeLessThanOrEqual(STALENESS_MS + SLACK_MS);
  expect(doomedSeen[200]).toBeUndefined();
  expect(Object.keys(doomedSeen).every((s) => s === '401' || s === '503')).toBe(true);
  // Once closed, only 503 until Redis is back.
  expect(liveSeen[503]).toBeGreaterThan(HOLD_MS / 200);
  expect(Object.keys(liveSeen).every((s) => s === '200' || s === '503')).toBe(true);
  expect(revokeDuringPauseStatus).not.toBe(200);
  expect(recoverMs).toBeLessThan(5_000);
  expect(afterStatuses).toEqual({ live: 200, doomed: 401, revokedAfterResume: 401 });
  expect(installationRecord.body.revoked_at).toBe(revoked.body.revoked_at);
}, 90_000);
