// Shutting the webhook worker down while Redis is gone still ends: BullMQ alone waits
// forever for a client that sits between reconnection attempts (taskforcesh/bullmq#4656).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { createWorld } from './world.ts';

let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

it('closes the worker while Redis is down', async () => {
  const world = await createWorld('redis', { redisUrl: redis.url });
  redis.kill();
  // Long enough for every client to be waiting for its next reconnection attempt.
  await new Promise((r) => setTimeout(r, 1_500));
  const closed = await world.close().then(
    () => 'closed',
    (err: Error) => `rejected: ${err.message}`,
  );
  expect(closed).toBe('closed');
}, 20_000);
