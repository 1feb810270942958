// Webhooks in the assembled system: an event posted to the admin API reaches an
// installed app, signed and verifiable with standardwebhooks; revoking the installation
// sends installation/revoked and then nothing more.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from './receiver.ts';

let sys: TestSystem;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  sys = await startTestSystem();
  await createMerchant(sys);
});
afterAll(async () => {
  await sys?.stop();
  await receiver?.close();
});

it('delivers scoped events and installation/revoked through the real admin API', async () => {
  const app = await registerApp(
    sys,
    manifest('hooked-app', {
      webhooks: { url: receiver.url, topics: ['content/updated', 'leads/created'] },
    }),
  );
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const installation = JSON.parse(
    Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString(),
  ).installation as string;

  const posted = await sys.admin('POST', '/admin/events', {
    id: 'evt_1',
    topic: 'content/updated',
    site: 's_shop',
    payload: { page: 'home' },
  });
  expect(posted.status).toBe(202);
  expect(posted.body).toMatchObject({ id: 'evt_1', deliveries: 1 });
  const [got] = await receiver.waitFor(1, 10_000);
  const verified = new Webhook(app.webhook_secret).verify(got!.body, {
    'webhook-id': got!.id,
    'webhook-timestamp': got!.timestamp,
    'webhook-signature': got!.signature,
  }) as Record<string, unknown>;
  expect(JSON.stringify(verified)).toContain('content/updated');

  const other = await sys.admin('POST', '/admin/events', {
    topic: 'content/updated',
    site: 's_blog',
    payload: {},
  });
  expect(other.body.deliveries).toBe(0);
  const bad = await sys.admin('POST', '/admin/events', { topic: 'nothing', payload: 'x' });
  expect(bad.status).toBe(400);

  await sys.admin('POST', `/admin/installations/${installation}/revoke`, { reason: 'done' });
  const all = await receiver.waitFor(2, 10_000);
  expect(all[1]!.body).toContain('installation/revoked');
  const after = await sys.admin('POST', '/admin/events', {
    topic: 'content/updated',
    site: 's_shop',
    payload: {},
  });
  expect(after.body.deliveries).toBe(0);
  const log = await sys.admin('GET', `/admin/deliveries?app=hooked-app`);
  expect(log.status).toBe(200);
  expect(log.body.deliveries.length).toBeGreaterThanOrEqual(2);
});
