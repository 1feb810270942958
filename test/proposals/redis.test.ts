// Review-only proposals on a real Redis store: staged, approved once however often the
// merchant clicks, rejected and never sent, and cancelled by revocation — each decision
// taken by the Lua scripts, the records kept without a TTL.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisKeys } from '../../src/store/redis/keys.ts';
import { formFor } from '../account/harness.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import {
  decide,
  type ProposalWorld,
  proposalPage,
  propose,
  replaysOf,
  startWorld,
  statusOf,
} from './harness.ts';

let redis: TestRedis;
let w: ProposalWorld;
beforeAll(async () => {
  redis = await startRedis();
  w = await startWorld({ redisUrl: redis.url });
});
afterAll(async () => {
  await w?.stop();
  await redis?.stop();
});

it('stages, replays an approval once, never sends a rejection, and cancels on revoke', async () => {
  const approved = await propose(w, 'POST', '/api/content/one', { title: 'One' });
  const rejected = await propose(w, 'POST', '/api/content/two', { title: 'Two' });
  const pending = await propose(w, 'POST', '/api/content/three', { title: 'Three' });
  expect(w.platform.received).toEqual([]);

  const page = await proposalPage(w, approved);
  const form = formFor(page, '/approve');
  const clicks = await Promise.all(
    [1, 2, 3].map(() => w.merchant.post(form.action, { csrf: form.csrf })),
  );
  expect(clicks.map((c) => c.status).sort()).toEqual([303, 409, 409]);
  expect(replaysOf(w, approved)).toHaveLength(1);
  expect(replaysOf(w, approved)[0]?.headers['x-scopegate-approved-by']).toBe(w.merchantId);
  expect((await statusOf(w, approved)).body).toMatchObject({
    status: 'approved',
    replay: { outcome: 'replayed', status: 201 },
  });

  expect((await decide(w, rejected, 'reject')).status).toBe(303);
  expect((await statusOf(w, rejected)).body.status).toBe('rejected');

  const late = formFor(await proposalPage(w, pending), '/approve');
  const revoked = await w.sys.admin(
    'POST',
    `/admin/installations/${w.review.installation}/revoke`,
    { reason: 'done' },
  );
  expect(revoked.status).toBe(200);
  expect(await w.sys.store.proposals.get(pending)).toMatchObject({
    status: 'cancelled',
    decision_reason: 'installation revoked',
  });
  expect((await w.merchant.post(late.action, { csrf: late.csrf })).status).toBe(409);

  expect(w.platform.writes()).toHaveLength(1);
  expect(w.platform.writes()[0]?.url).toBe('/api/content/one');

  const keys = redisKeys();
  const admin = new Redis(redis.url);
  try {
    for (const key of [
      keys.proposal(approved),
      keys.proposal(pending),
      keys.proposalsByInstallation(w.review.installation),
    ]) {
      expect(await admin.ttl(key), key).toBe(-1);
    }
    expect(await admin.exists(keys.proposalsPending(w.review.installation))).toBe(0);
  } finally {
    await admin.quit();
  }
});
