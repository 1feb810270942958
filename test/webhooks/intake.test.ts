// Event intake and the delivery log through the admin routes, on both backends: every
// problem named, the same id queued once, and the log filtered by app, event and status.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliveryId } from '../../src/webhooks/ids.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { type Receiver, startReceiver } from './receiver.ts';
import { type Backend, createWorld, sleep, type World } from './world.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe.each(['redis', 'memory'] as Backend[])('event intake (%s)', (backend) => {
  let world: World;
  let receiver: Receiver;

  afterEach(async () => {
    await receiver?.close();
    await world?.close();
  });

  async function setUp(worker = true) {
    world = await createWorld(backend, {
      redisUrl: redis.url,
      worker,
      deps: { maxPayloadBytes: 1024 },
    });
    receiver = await startReceiver();
    await world.register('app-a', { url: receiver.url, topics: ['content/updated'] });
    await world.register('app-b', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_a', 'app-a', 's_one', ['content:read']);
    await world.install('g_b', 'app-b', 's_one', ['content:write']);
  }

  const post = (body: unknown) => world.admin('POST', '/admin/events', body);

  it('names every problem of a bad event with 400', async () => {
    await setUp();
    const res = await post({
      id: 'has space',
      topic: 'orders/created',
      payload: { big: 'x'.repeat(2000) },
      extra: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'extra',
      'id',
      'payload',
      'site',
      'topic',
    ]);
    const messages = JSON.stringify(res.body.details);
    expect(messages).toContain('unknown resource \\"orders\\"');
    expect(messages).toContain('at most 1024');
    for (const body of [
      { topic: 'installation/revoked', site: 's_one', payload: {} },
      { topic: 'content', site: 's_one', payload: {} },
      { topic: 'content/updated', site: 's_one', payload: [] },
      [],
    ]) {
      expect((await post(body)).status).toBe(400);
    }
  });

  it('queues the same event id once', async () => {
    await setUp();
    const event = { id: 'evt_twice', topic: 'content/updated', site: 's_one', payload: { a: 1 } };
    const first = await post(event);
    const second = await post(event);
    expect(first.body).toEqual({ id: 'evt_twice', deliveries: 2, duplicate: false });
    expect(second.status).toBe(202);
    expect(second.body).toEqual({ id: 'evt_twice', deliveries: 2, duplicate: true });
    await receiver.waitFor(2);
    await post(event);
    await sleep(300);
    expect(receiver.received).toHaveLength(2);
    const conflicting = await post({ ...event, payload: { a: 2 } });
    expect(conflicting.status).toBe(409);
  });

  it('queues an event once when it is posted concurrently', async () => {
    await setUp(false);
    const event = { id: 'evt_race', topic: 'content/updated', site: 's_one', payload: {} };
    const results = await Promise.all(Array.from({ length: 5 }, () => post(event)));
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    await world.webhooks.startWorker();
    await receiver.waitFor(2);
    await sleep(300);
    expect(receiver.received).toHaveLength(2);
  });

  it('lists deliveries by app, event and status, each with its attempts', async () => {
    await setUp();
    receiver.respond((r) =>
      r.id === deliveryId('evt_fail', 'g_b') ? { status: 500 } : { status: 200 },
    );
    await post({ id: 'evt_ok', topic: 'content/updated', site: 's_one', payload: {} });
    await post({ id: 'evt_fail', topic: 'content/updated', site: 's_one', payload: {} });
    await world.waitForStatus(deliveryId('evt_fail', 'g_b'), 'dead', 5000);
    await world.waitForStatus(deliveryId('evt_fail', 'g_a'), 'delivered');

    const byEvent = await world.admin('GET', '/admin/deliveries?event=evt_ok');
    expect(byEvent.status).toBe(200);
    expect(byEvent.body.deliveries).toHaveLength(2);
    expect(byEvent.body.deliveries.every((d: { event: string }) => d.event === 'evt_ok')).toBe(
      true,
    );

    const byApp = await world.admin('GET', '/admin/deliveries?app=app-b');
    expect(byApp.body.deliveries.map((d: { event: string }) => d.event).sort()).toEqual([
      'evt_fail',
      'evt_ok',
    ]);

    const dead = await world.admin('GET', '/admin/deliveries?status=dead');
    expect(dead.body.deliveries).toHaveLength(1);
    const [one] = dead.body.deliveries;
    expect(one).toMatchObject({
      id: deliveryId('evt_fail', 'g_b'),
      app: 'app-b',
      installation: 'g_b',
      topic: 'content/updated',
      status: 'dead',
    });
    expect(one.attempts).toHaveLength(4);
    for (const a of one.attempts) {
      expect(a).toMatchObject({ status_code: 500, error: null, url: receiver.url });
      expect(typeof a.at).toBe('string');
      expect(typeof a.latency_ms).toBe('number');
    }
    const delivered = await world.admin('GET', '/admin/deliveries?app=app-a&status=delivered');
    expect(delivered.body.deliveries).toHaveLength(2);
    const limited = await world.admin('GET', '/admin/deliveries?limit=1');
    expect(limited.body.deliveries).toHaveLength(1);

    const single = await world.admin('GET', `/admin/deliveries/${one.id}`);
    expect(single.body.id).toBe(one.id);
    expect((await world.admin('GET', '/admin/deliveries/msg_missing')).status).toBe(404);

    const bad = await world.admin('GET', '/admin/deliveries?status=lost&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { path: string }) => d.path)).toEqual(['status', 'limit']);
  });

  it('truncates long response bodies in the log', async () => {
    await setUp();
    receiver.respond(() => ({ status: 200, body: 'y'.repeat(100_000) }));
    await post({ id: 'evt_long', topic: 'content/updated', site: 's_one', payload: {} });
    const d = await world.waitForStatus(deliveryId('evt_long', 'g_a'), 'delivered');
    expect(d.attempts[0]!.response!.length).toBeLessThanOrEqual(513);
    expect(d.attempts[0]!.response!.endsWith('…')).toBe(true);
  });
});
