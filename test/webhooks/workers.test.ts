// The worker role in real child processes on one Redis: a worker SIGKILLed mid-delivery
// loses nothing (another picks its jobs up), and two workers share the queue.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { type Receiver, startReceiver } from './receiver.ts';
import { createWorld, eventually, type World } from './world.ts';

const SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

let redis: TestRedis;
let world: World;
let receiver: Receiver;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await receiver?.close();
  await world?.close();
});

/** Starts a worker process and resolves once it consumes the queue. */
function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      ...process.env,
      WH_REDIS_URL: redis.url,
      WH_PREFIX: world.prefix,
      WH_SEALING_KEY: world.sealingKey.toString('hex'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready: ${stderr}`)), 15_000);
    child.stdout?.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${stderr}`)));
  });
}

/** 20 events to a site with two subscribed installations: 40 deliveries. */
async function queueForty(): Promise<void> {
  world = await createWorld('redis', { redisUrl: redis.url, worker: false });
  receiver = await startReceiver();
  for (const app of ['crash-a', 'crash-b']) {
    await world.register(app, { url: receiver.url, topics: ['content/updated'] });
    await world.install(`g_${app}`, app, 's_one', ['content:read']);
  }
  for (let i = 0; i < 20; i++) {
    const res = await world.admin('POST', '/admin/events', {
      id: `evt_${i}`,
      topic: 'content/updated',
      site: 's_one',
      payload: { i },
    });
    expect(res.body.deliveries).toBe(2);
  }
}

const allDelivered = () =>
  eventually(
    async () => {
      const { deliveries } = (
        await world.admin('GET', '/admin/deliveries?status=delivered&limit=1000')
      ).body;
      return deliveries.length === 40 ? deliveries : undefined;
    },
    20_000,
    'all 40 deliveries to be delivered',
  );

it('delivers every event after a worker is killed mid-delivery', async () => {
  await queueForty();
  receiver.respond(() => ({ status: 200, delayMs: 150 }));
  const first = await startWorker();
  await receiver.waitFor(6, 10_000);
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));
  const seenBeforeKill = receiver.received.length;
  expect(seenBeforeKill).toBeLessThan(40);

  await startWorker();
  await allDelivered();
  const ids = receiver.received.map((r) => r.id);
  expect(new Set(ids).size).toBe(40);
  // The deliveries in flight at the kill went out again, with the same webhook-id.
  expect(ids.length).toBeGreaterThan(new Set(ids).size);
});

it('lets two workers share the queue, each delivery made once', async () => {
  await queueForty();
  receiver.respond(() => ({ status: 200, delayMs: 20 }));
  await Promise.all([startWorker(), startWorker()]);
  await allDelivered();
  const ids = receiver.received.map((r) => r.id);
  expect(ids).toHaveLength(40);
  expect(new Set(ids).size).toBe(40);
});
