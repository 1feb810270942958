// Redis crashes (SIGKILL) and restarts on the same AOF directory while scopegate keeps
// running: no app, merchant, installation, revoked_at, grant or queued delivery is lost,
// and every role (auth, admin, gateway, webhook worker) serves again without a restart.
import * as oidc from 'openid-client';
import type { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Installation } from '../../src/store/types.ts';
import { createMerchant, MERCHANT } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from '../webhooks/receiver.ts';
import { report } from './support/figures.ts';
import { pool, statusOf } from './support/http.ts';
import { type Installed, installApp } from './support/install.ts';
import { startUpstreamProcess, type UpstreamProcess } from './support/upstream-process.ts';
import { sleep, waitFor } from './support/wait.ts';

/** 20 retries 3 s apart (±20 %): the deliveries stay queued for about a minute. */
const RETRY_DELAY_S = 3;
const SCHEDULE = Array.from({ length: 20 }, () => String(RETRY_DELAY_S)).join(',');
const SECOND = {
  email: 'second@shop.test',
  password: 'another-horse-battery',
  sites: [{ id: 's_second', name: 'Second' }],
};

let redis: TestRedis;
let upstream: UpstreamProcess;
let sys: TestSystem;
let gateway: Pool;
let receiver: Receiver | undefined;

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis({ aof: true }), startUpstreamProcess()]);
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { PLATFORM_API_URL: upstream.url, WEBHOOK_RETRY_SCHEDULE: SCHEDULE },
  });
  gateway = pool(sys.gatewayUrl);
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await receiver?.close();
  await sys?.stop();
  await upstream?.stop();
  await redis?.stop();
});

interface Listed {
  id: string;
  app: string;
  topic: string;
  status: string;
}

const sortById = <T extends { id: string }>(list: T[]) =>
  [...list].sort((a, b) => a.id.localeCompare(b.id));

it('loses nothing when Redis is killed and restarted, and every role recovers by itself', async () => {
  // The receiver's port is reserved, then the receiver goes down: deliveries stay queued.
  const first = await startReceiver();
  const port = first.port;
  const hooks = { webhooks: { url: first.url, topics: ['content/updated'] } };
  await first.close();

  const merchants = [await createMerchant(sys, MERCHANT), await createMerchant(sys, SECOND)];
  const a = await installApp(sys, 'aof-a', { overrides: hooks, site: 's_shop' });
  const b = await installApp(sys, 'aof-b', {
    overrides: hooks,
    site: 's_second',
    merchant: SECOND,
  });
  const c: Installed = await installApp(sys, 'aof-c', { overrides: hooks, site: 's_shop' });
  const posted = async (site: string, n: number) => {
    for (let i = 0; i < n; i++) {
      const res = await sys.admin('POST', '/admin/events', {
        topic: 'content/updated',
        site,
        payload: { site, n: i },
      });
      expect(res.status).toBe(202);
    }
  };
  await posted('s_shop', 5); // to a and c
  await posted('s_second', 3); // to b
  const revoked = await sys.admin('POST', `/admin/installations/${c.installation}/revoke`, {
    reason: 'before the crash',
  });
  expect(revoked.status).toBe(200); // cancels c's deliveries, queues installation/revoked

  const apps = async () =>
    Promise.all(['aof-a', 'aof-b', 'aof-c'].map((id) => sys.admin('GET', `/admin/apps/${id}`)));
  const installations = async () =>
    sortById<Installation>((await sys.admin('GET', '/admin/installations')).body.installations);
  const deliveries = async (): Promise<Listed[]> => {
    const lists = await Promise.all(
      ['aof-a', 'aof-b', 'aof-c'].map(
        async (app) =>
          (await sys.admin('GET', `/admin/deliveries?app=${app}&limit=1000`)).body
            .deliveries as Listed[],
      ),
    );
    return sortById(lists.flat()).map(({ id, app, topic, status }) => ({ id, app, topic, status }));
  };
  const gatewayStatuses = async () => ({
    a: await statusOf(gateway, a.token),
    b: await statusOf(gateway, b.token),
    revoked: await statusOf(gateway, c.token),
  });
  const before = {
    apps: await apps(),
    installations: await installations(),
    deliveries: await deliveries(),
    gateway: await gatewayStatuses(),
  };
  const open = before.deliveries.filter((d) => d.status === 'retrying' || d.status === 'pending');
  const cancelled = before.deliveries.filter((d) => d.status === 'cancelled');

  // Crash: nothing flushed but what the AOF (fsync always) already holds.
  const killedAt = Date.now();
  redis.kill('SIGKILL');
  await sleep(1_500);
  const duringOutage = {
    gateway: await statusOf(gateway, a.token),
    admin: (await sys.admin('GET', `/admin/installations/${a.installation}`)).status,
  };
  await redis.restart();
  const restartedAt = Date.now();

  const [gatewayMs, adminMs, authMs] = await Promise.all([
    waitFor('gateway serves', async () => (await statusOf(gateway, a.token)) === 200, 20_000),
    waitFor(
      'admin answers',
      async () => (await sys.admin('GET', `/admin/installations/${a.installation}`)).status === 200,
      20_000,
    ),
    waitFor(
      'auth ready',
      async () => (await fetch(`${sys.urls.auth}/readyz`)).status === 200,
      20_000,
    ),
  ]);
  const after = {
    apps: await apps(),
    installations: await installations(),
    deliveries: await deliveries(),
    gateway: await gatewayStatuses(),
  };
  const merchantAgain = (await sys.admin('POST', '/admin/merchants', MERCHANT)).status;
  const secondsInstallations = (
    await sys.admin('GET', `/admin/installations?merchant=${merchants[1]}`)
  ).body.installations.map((i: { id: string }) => i.id);

  // The grant survived: the refresh token still works, and its new token is accepted.
  const refreshed = await oidc.refreshTokenGrant(a.config, a.refreshToken);
  const refreshedStatus = await statusOf(gateway, refreshed.access_token);
  // A new install after the crash: the second merchant signs in again from scratch.
  const fresh = await installApp(sys, 'aof-new', { site: 's_second', merchant: SECOND });
  const freshStatus = await statusOf(gateway, fresh.token);

  // The receiver comes back: the worker delivers what was queued before the crash.
  const back = await startReceiver(port);
  receiver = back;
  const upAt = Date.now();
  const deliveredMs = await waitFor(
    'queued deliveries at the receiver',
    () => open.every((d) => back.received.some((r) => r.id === d.id)),
    RETRY_DELAY_S * 1_200 * 3 + 20_000,
    100,
  );
  await sleep(RETRY_DELAY_S * 2_000); // time for any duplicate to show up
  const perId = new Map<string, number>();
  for (const r of back.received) perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
  const received = back.received.length;
  const final = await deliveries();

  // And revocation works end to end again: enforced by the gateway at once.
  const revokedAfter = await sys.admin('POST', `/admin/installations/${b.installation}/revoke`, {});
  const revokedAfterStatus = await statusOf(gateway, b.token);

  const byStatus = (list: Listed[]) => {
    const out: Record<string, number> = {};
    for (const d of list) out[d.status] = (out[d.status] ?? 0) + 1;
    return out;
  };
  report('redis-aof', {
    apps: before.apps.length + 1,
    merchants: merchants.length,
    installations: before.installations.length + 1,
    redisDownMs: restartedAt - killedAt,
    duringOutage,
    recoveredAfterRestartMs: { gateway: gatewayMs, admin: adminMs, auth: authMs },
    appsIntact: JSON.stringify(after.apps) === JSON.stringify(before.apps),
    installationsIntact:
      JSON.stringify(after.installations) === JSON.stringify(before.installations),
    revokedAtKept: after.installations.find((i) => i.id === c.installation)?.revoked_at,
    gatewayAfterRestart: after.gateway,
    duplicateMerchantAfterRestart: merchantAgain,
    refreshAfterRestart: refreshedStatus,
    newInstallAfterRestart: freshStatus,
    queuedBeforeCrash: open.length,
    cancelledBeforeCrash: cancelled.length,
    deliveriesAfterRestart: byStatus(after.deliveries),
    receiverUpToAllDeliveredMs: deliveredMs,
    received,
    maxCopiesPerWebhookId: Math.max(0, ...perId.values()),
    finalDeliveries: byStatus(final),
    revokeAfterRestart: { status: revokedAfter.status, gateway: revokedAfterStatus },
    receiverDownToUpMs: upAt - killedAt,
  });

  expect(before.gateway).toEqual({ a: 200, b: 200, revoked: 401 });
  expect(open).toHaveLength(5 + 3 + 1); // a's, b's, and c's installation/revoked
  expect(cancelled).toHaveLength(5);
  expect(after.apps.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(after.apps).toEqual(before.apps);
  expect(after.installations).toEqual(before.installations);
  expect(after.installations.find((i) => i.id === c.installation)).toMatchObject({
    revoked_at: revoked.body.revoked_at,
    revoke_reason: 'before the crash',
  });
  expect(after.deliveries.map((d) => d.id)).toEqual(before.deliveries.map((d) => d.id));
  expect(after.gateway).toEqual({ a: 200, b: 200, revoked: 401 });
  expect(merchantAgain).toBe(409);
  expect(secondsInstallations).toEqual([b.installation]);
  expect(refreshedStatus).toBe(200);
  expect(freshStatus).toBe(200);
  expect([...perId.keys()].sort()).toEqual(open.map((d) => d.id).sort());
  expect(Math.max(...perId.values())).toBe(1);
  expect(byStatus(final)).toEqual({ delivered: open.length, cancelled: cancelled.length });
  expect(revokedAfter.status).toBe(200);
  expect(revokedAfter.body.enforced_at).toBeTypeOf('string');
  expect(revokedAfterStatus).toBe(401);
}, 180_000);
