// Webhook delivery end to end, the same suite against both backends (BullMQ on a real
// Redis, and the in-process one): filter, signatures, retries, dead letter, revocation.
import { Webhook } from 'standardwebhooks';
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

const BACKENDS: Backend[] = ['redis', 'memory'];

describe.each(BACKENDS)('webhook delivery (%s)', (backend) => {
  let world: World;
  let receiver: Receiver;
  const open: { close(): Promise<void> }[] = [];

  async function setUp(opts: Parameters<typeof createWorld>[1] = {}) {
    world = await createWorld(backend, { redisUrl: redis.url, ...opts });
    receiver = await startReceiver();
    open.push(receiver, world);
  }

  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  const post = (body: unknown) => world.admin('POST', '/admin/events', body);

  it('delivers an event to an app holding content:read, verifiable with standardwebhooks', async () => {
    await setUp();
    const secret = await world.register('reader', {
      url: receiver.url,
      topics: ['content/updated'],
    });
    await world.install('g_reader', 'reader', 's_one', ['content:read']);

    const res = await post({
      id: 'evt_1',
      topic: 'content/updated',
      site: 's_one',
      payload: { page: 'home' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ id: 'evt_1', deliveries: 1, duplicate: false });

    const [got] = await receiver.waitFor(1);
    const verified = new Webhook(secret).verify(got!.body, {
      'webhook-id': got!.id,
      'webhook-timestamp': got!.timestamp,
      'webhook-signature': got!.signature,
    });
    expect(verified).toMatchObject({
      id: 'evt_1',
      type: 'content/updated',
      site: 's_one',
      data: { page: 'home' },
    });
    expect(got!.id).toBe(deliveryId('evt_1', 'g_reader'));
    expect(got!.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(got!.headers['content-type']).toBe('application/json');

    const delivery = await world.waitForStatus(got!.id, 'delivered');
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status_code: 200, error: null, response: 'ok' });
    expect(delivery.attempts[0]!.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it('gives content:write the content events it subscribed to', async () => {
    await setUp();
    await world.register(
      'writer',
      { url: receiver.url, topics: ['content/updated', 'content/created'] },
      { required: ['content:write'] },
    );
    await world.install('g_writer', 'writer', 's_one', ['content:write']);
    await post({ topic: 'content/updated', site: 's_one', payload: {} });
    await post({ topic: 'content/created', site: 's_one', payload: {} });
    await post({ topic: 'media/created', site: 's_one', payload: {} });
    const got = await receiver.waitFor(2);
    expect(got.map((r) => JSON.parse(r.body).type).sort()).toEqual([
      'content/created',
      'content/updated',
    ]);
    await sleep(100);
    expect(receiver.received).toHaveLength(2);
  });

  it('never sends leads/created to an installation without read on leads', async () => {
    await setUp();
    // A manifest listing a topic its scopes cannot read is refused at registration.
    await expect(
      world.register('no-leads', { url: receiver.url, topics: ['leads/created'] }),
    ).rejects.toMatchObject({
      status: 400,
      details: [expect.objectContaining({ path: 'webhooks.topics[0]' })],
    });
    // leads:read optional and left out at consent: the topic is listed, the scope not held.
    await world.register(
      'optional-leads',
      { url: receiver.url, topics: ['leads/created', 'content/updated'] },
      { required: ['content:read'], optional: ['leads:read'] },
    );
    await world.install('g_partial', 'optional-leads', 's_one', ['content:read']);
    const res = await post({ topic: 'leads/created', site: 's_one', payload: { lead: 1 } });
    expect(res.body.deliveries).toBe(0);
    await post({ id: 'evt_marker', topic: 'content/updated', site: 's_one', payload: {} });
    const got = await receiver.waitFor(1);
    await sleep(100);
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(got[0]!.body).type).toBe('content/updated');
  });

  it('goes only to installations on the event site', async () => {
    await setUp();
    await world.register('multi', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_a', 'multi', 's_a', ['content:read']);
    await world.install('g_b', 'multi', 's_b', ['content:read']);
    const res = await post({ id: 'evt_site', topic: 'content/updated', site: 's_b', payload: {} });
    expect(res.body.deliveries).toBe(1);
    const [got] = await receiver.waitFor(1);
    expect(got!.id).toBe(deliveryId('evt_site', 'g_b'));
  });

  it('sends installation/revoked on revocation, and nothing after, not even queued retries', async () => {
    await setUp();
    const secret = await world.register('revokee', {
      url: receiver.url,
      topics: ['content/updated'],
    });
    await world.install('g_rev', 'revokee', 's_one', ['content:read']);
    // The content event fails, so a retry is queued when the revocation lands.
    receiver.respond((r) =>
      JSON.parse(r.body).type === 'content/updated' ? { status: 500 } : { status: 204 },
    );
    await post({ id: 'evt_before', topic: 'content/updated', site: 's_one', payload: {} });
    await receiver.waitFor(1);
    const contentId = deliveryId('evt_before', 'g_rev');
    await world.waitForStatus(contentId, 'retrying');

    await world.revoke('g_rev');
    const revoked = await receiver.waitFor(
      1,
      5000,
      (r) => JSON.parse(r.body).type !== 'content/updated',
    );
    const body = new Webhook(secret).verify(revoked[0]!.body, {
      'webhook-id': revoked[0]!.id,
      'webhook-timestamp': revoked[0]!.timestamp,
      'webhook-signature': revoked[0]!.signature,
    });
    expect(body).toMatchObject({
      type: 'installation/revoked',
      data: { installation: 'g_rev', app: 'revokee', site: 's_one' },
    });

    const after = await post({ topic: 'content/updated', site: 's_one', payload: {} });
    expect(after.body.deliveries).toBe(0);
    // Longer than the rest of the schedule: the queued retry must not go out.
    await sleep(900);
    const content = receiver.received.filter((r) => JSON.parse(r.body).type === 'content/updated');
    expect(content).toHaveLength(1);
    const cancelled = await world.webhooks.log.get(contentId);
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'installation revoked' });

    // Revoking again (the service may call the hook twice) sends nothing new.
    await world.webhooks.onInstallationRevoked((await world.store.installations.get('g_rev'))!);
    await sleep(200);
    expect(receiver.received.filter((r) => r.id === revoked[0]!.id)).toHaveLength(1);
  });

  it('re-checks revocation before every attempt, even without the revocation hook', async () => {
    await setUp();
    await world.register('recheck', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_recheck', 'recheck', 's_one', ['content:read']);
    receiver.respond(() => ({ status: 503 }));
    await post({ id: 'evt_recheck', topic: 'content/updated', site: 's_one', payload: {} });
    await receiver.waitFor(1);
    const id = deliveryId('evt_recheck', 'g_recheck');
    await world.waitForStatus(id, 'retrying');
    // Another process revoked: only revoked_at is written, no hook runs here.
    await world.store.installations.revoke('g_recheck', {
      at: new Date().toISOString(),
      by: 'operator',
      reason: null,
    });
    const cancelled = await world.waitForStatus(id, 'cancelled', 3000);
    expect(cancelled.reason).toBe('installation revoked');
    expect(cancelled.attempts).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries 500s with the same webhook-id and logs every attempt', async () => {
    await setUp();
    await world.register('flaky', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_flaky', 'flaky', 's_one', ['content:read']);
    receiver.respond((_r, n) => (n <= 3 ? { status: 500, body: 'boom' } : { status: 200 }));
    await post({ id: 'evt_flaky', topic: 'content/updated', site: 's_one', payload: {} });
    const got = await receiver.waitFor(4);
    expect(new Set(got.map((r) => r.id))).toEqual(new Set([deliveryId('evt_flaky', 'g_flaky')]));
    const delivery = await world.waitForStatus(got[0]!.id, 'delivered');
    expect(delivery.attempts.map((a) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(delivery.attempts[0]!.response).toBe('boom');
    // Backoff: the gaps follow the schedule (100, 200, 300 ms ± 10 %).
    const gaps = got.slice(1).map((r, i) => r.at - got[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(85);
    expect(gaps[2]).toBeGreaterThanOrEqual(265);
    await sleep(200);
    expect(receiver.received).toHaveLength(4);
  });

  it('dead-letters after the last attempt; an operator retry then delivers', async () => {
    await setUp();
    const down = await startReceiver();
    const port = down.port;
    await down.close(); // nothing listens: every attempt is refused
    const url = `http://127.0.0.1:${port}/hooks`;
    await world.register('down', { url, topics: ['content/updated'] });
    await world.install('g_down', 'down', 's_one', ['content:read']);
    await post({ id: 'evt_down', topic: 'content/updated', site: 's_one', payload: {} });
    const id = deliveryId('evt_down', 'g_down');
    const dead = await world.waitForStatus(id, 'dead', 5000);
    expect(dead.attempts).toHaveLength(4);
    expect(dead.attempts.every((a) => a.status_code === null && a.error)).toBe(true);
    expect(dead.reason).toMatch(/^4 attempts failed/);

    const listed = await world.admin('GET', '/admin/deliveries?status=dead&app=down');
    expect(listed.body.deliveries.map((d: { id: string }) => d.id)).toEqual([id]);

    const back = await startReceiver(port);
    open.push(back);
    const retried = await world.admin('POST', `/admin/deliveries/${id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id, status: 'pending', round: 1 });
    const [got] = await back.waitFor(1);
    expect(got!.id).toBe(id);
    const delivered = await world.waitForStatus(id, 'delivered');
    expect(delivered.attempts).toHaveLength(5);
    expect(delivered.attempts[4]).toMatchObject({ round: 1, status_code: 200 });

    const again = await world.admin('POST', `/admin/deliveries/${id}/retry`);
    expect(again.status).toBe(409);
    expect((await world.admin('POST', '/admin/deliveries/msg_nope/retry')).status).toBe(404);
  });

  it('honours Retry-After, and cuts one beyond the bound', async () => {
    await setUp();
    await world.register('busy', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_busy', 'busy', 's_one', ['content:read']);
    receiver.respond((_r, n) => {
      if (n === 1) return { status: 429, headers: { 'retry-after': '1' } };
      if (n === 2) return { status: 503, headers: { 'retry-after': '3600' } };
      return { status: 200 };
    });
    await post({ topic: 'content/updated', site: 's_one', payload: {} });
    const got = await receiver.waitFor(3, 8000);
    const first = got[1]!.at - got[0]!.at;
    const second = got[2]!.at - got[1]!.at;
    expect(first).toBeGreaterThanOrEqual(990); // asked: 1 s, scheduled: 100 ms
    expect(first).toBeLessThan(1500);
    expect(second).toBeGreaterThanOrEqual(1490); // asked: an hour, bound: 1.5 s
    expect(second).toBeLessThan(2500);
  });

  it('stops at 410 Gone and sends nothing more to that URL until re-registration', async () => {
    await setUp();
    await world.register('gone', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_gone', 'gone', 's_one', ['content:read']);
    receiver.respond(() => ({ status: 410 }));
    await post({ id: 'evt_gone', topic: 'content/updated', site: 's_one', payload: {} });
    const id = deliveryId('evt_gone', 'g_gone');
    const gone = await world.waitForStatus(id, 'gone');
    expect(gone.attempts).toHaveLength(1);
    expect(await world.webhooks.log.gone('gone')).toMatchObject({ url: receiver.url });
    const later = await post({ topic: 'content/updated', site: 's_one', payload: {} });
    expect(later.body.deliveries).toBe(0);
    await sleep(400);
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses a target resolving to loopback at delivery time without the allow flag', async () => {
    await setUp({ allowPrivateAddresses: false });
    // Registered while private targets were allowed; the delivery re-checks on connect.
    await world.register('local-name', {
      url: `http://localhost:${receiver.port}/hooks`,
      topics: ['content/updated'],
    });
    await world.register('local-ip', { url: receiver.url, topics: ['content/updated'] });
    await world.install('g_name', 'local-name', 's_one', ['content:read']);
    await world.install('g_ip', 'local-ip', 's_one', ['content:read']);
    await post({ id: 'evt_ssrf', topic: 'content/updated', site: 's_one', payload: {} });
    for (const installation of ['g_name', 'g_ip']) {
      const dead = await world.waitForStatus(deliveryId('evt_ssrf', installation), 'dead', 5000);
      expect(dead.attempts).toHaveLength(4);
      for (const a of dead.attempts) {
        expect(a.status_code).toBeNull();
        expect(a.error).toMatch(/address not allowed for webhooks: (localhost|127\.0\.0\.1)/);
      }
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('signs with every secret during a rotation', async () => {
    await setUp();
    const older = await world.register('rotating', {
      url: receiver.url,
      topics: ['content/updated'],
    });
    const app = (await world.store.apps.get('rotating'))!;
    const { seal } = await import('../../src/keys/seal.ts');
    const newer = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    await world.store.apps.put({
      ...app,
      webhookSecrets: [seal(newer, world.sealingKey), ...app.webhookSecrets],
    });
    await world.install('g_rot', 'rotating', 's_one', ['content:read']);
    await post({ topic: 'content/updated', site: 's_one', payload: {} });
    const [got] = await receiver.waitFor(1);
    expect(got!.signature.split(' ')).toHaveLength(2);
    for (const secret of [newer, older]) {
      expect(() =>
        new Webhook(secret).verify(got!.body, {
          'webhook-id': got!.id,
          'webhook-timestamp': got!.timestamp,
          'webhook-signature': got!.signature,
        }),
      ).not.toThrow();
    }
  });
});
