// An app's webhook receiver is down (connection refused) for FAULTS_RECEIVER_DOWN_MS
// (2 minutes by default) while events keep coming. With a retry schedule whose attempts
// outlast the outage, every delivery arrives once the receiver is back: exactly once per
// webhook-id, signed, and none dead-lettered.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from '../webhooks/receiver.ts';
import { envNumber } from './support/env.ts';
import { report } from './support/figures.ts';
import { type Installed, installApp } from './support/install.ts';
import { sleep, waitFor } from './support/wait.ts';

const DOWN_MS = envNumber('FAULTS_RECEIVER_DOWN_MS', 120_000);
const EVENTS = 20;
const RETRIES = 20;
/**
 * Each retry delay, in seconds: 20 of them with ±20 % jitter span at least 0.8 × 20 × d =
 * 1.2 × DOWN_MS, so even the first event's attempts outlast the outage.
 */
const DELAY_S = Math.ceil((DOWN_MS * 1.5) / RETRIES / 100) / 10;
const SCHEDULE = Array.from({ length: RETRIES }, () => String(DELAY_S)).join(',');
const TOPICS = ['content/updated', 'leads/created'];

let redis: TestRedis;
let sys: TestSystem;
let receiver: Receiver | undefined;
let port = 0;
const apps: Installed[] = [];

beforeAll(async () => {
  redis = await startRedis({ aof: true });
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { WEBHOOK_RETRY_SCHEDULE: SCHEDULE, WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true' },
  });
  await createMerchant(sys);
  receiver = await startReceiver();
  port = receiver.port;
  for (const uuid of ['hooks-a', 'hooks-b']) {
    apps.push(
      await installApp(sys, uuid, {
        overrides: { webhooks: { url: receiver.url, topics: TOPICS } },
        site: 's_shop',
      }),
    );
  }
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  await sys?.stop();
  await redis?.stop();
});

interface Listed {
  id: string;
  app: string;
  status: string;
  attempts: { status_code: number | null }[];
}

async function deliveries(): Promise<Listed[]> {
  const lists = await Promise.all(
    apps.map(async (a) => {
      const res = await sys.admin('GET', `/admin/deliveries?app=${a.uuid}&limit=1000`);
      if (res.status !== 200) throw new Error(`delivery list: ${res.status}`);
      return res.body.deliveries as Listed[];
    }),
  );
  return lists.flat();
}

const byStatus = (list: Listed[]) => {
  const out: Record<string, number> = {};
  for (const d of list) out[d.status] = (out[d.status] ?? 0) + 1;
  return out;
};

it('delivers every event exactly once after a long receiver outage, none dead-lettered', async () => {
  await receiver?.close();
  receiver = undefined;
  const downAt = Date.now();

  // Events arrive during the first tenth of the outage.
  let queued = 0;
  for (let i = 0; i < EVENTS; i++) {
    const res = await sys.admin('POST', '/admin/events', {
      id: `evt_down_${i}`,
      topic: TOPICS[i % TOPICS.length],
      site: 's_shop',
      payload: { n: i },
    });
    expect(res.status).toBe(202);
    queued += res.body.deliveries as number;
    await sleep(DOWN_MS / 10 / EVENTS);
  }

  // Halfway: every delivery is still waiting for its next attempt.
  await sleep(Math.max(0, downAt + DOWN_MS / 2 - Date.now()));
  const midway = await deliveries();
  const midwayStatuses = byStatus(midway);
  const failedAttemptsByMidway = midway.reduce((n, d) => n + d.attempts.length, 0);

  await sleep(Math.max(0, downAt + DOWN_MS - Date.now()));
  const back = await startReceiver(port);
  receiver = back;
  const upAt = Date.now();
  const outageMs = upAt - downAt;
  const expected = (await deliveries()).map((d) => d.id);
  const allArrivedMs = await waitFor(
    'every delivery at the receiver',
    () => new Set(back.received.map((r) => r.id)).size >= expected.length,
    DELAY_S * 1_200 * 2 + 30_000,
    100,
  );
  // Later attempts would show up as duplicates: give them two retry delays to appear.
  await sleep(Math.max(3_000, DELAY_S * 2_000));

  const perId = new Map<string, number>();
  for (const r of back.received) perId.set(r.id, (perId.get(r.id) ?? 0) + 1);
  const duplicates = [...perId.values()].filter((n) => n > 1).length;
  const secrets = new Map(apps.map((a) => [a.uuid, a.app.webhook_secret]));
  const final = await deliveries();
  const unverified = back.received.filter((r) => {
    const app = final.find((d) => d.id === r.id)?.app ?? '';
    try {
      new Webhook(secrets.get(app) ?? '').verify(r.body, {
        'webhook-id': r.id,
        'webhook-timestamp': r.timestamp,
        'webhook-signature': r.signature,
      });
      return false;
    } catch {
      return true;
    }
  }).length;
  const attempts = final.map((d) => d.attempts.length);

  report('receiver-down', {
    outageMs,
    retrySchedule: `${RETRIES} × ${DELAY_S} s (±20 % jitter)`,
    events: EVENTS,
    deliveriesQueued: queued,
    midwayStatuses,
    failedAttemptsByMidway,
    lastDeliveredAfterBackMs: allArrivedMs,
    received: back.received.length,
    distinctWebhookIds: perId.size,
    duplicates,
    unverifiedSignatures: unverified,
    finalStatuses: byStatus(final),
    attemptsPerDelivery: { min: Math.min(...attempts), max: Math.max(...attempts) },
  });

  expect(queued).toBe(EVENTS * apps.length);
  expect(expected).toHaveLength(queued);
  expect(midwayStatuses).toEqual({ retrying: queued });
  expect([...perId.keys()].sort()).toEqual([...expected].sort());
  expect(duplicates).toBe(0);
  expect(back.received).toHaveLength(queued);
  expect(unverified).toBe(0);
  expect(byStatus(final)).toEqual({ delivered: queued });
}, 600_000);
