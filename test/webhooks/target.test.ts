// The SSRF guard of the delivery agent, with real sockets: loopback, private, link-local
// (metadata) and multicast targets are refused on connect, by name or by literal.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockedAddressError, deliveryAgent, publicOnlyLookup } from '../../src/webhooks/target.ts';
import { type Receiver, startReceiver } from './receiver.ts';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver?.close());

const guarded = deliveryAgent({ allowPrivateAddresses: false, connectTimeoutMs: 1000 });
const open = deliveryAgent({ allowPrivateAddresses: true, connectTimeoutMs: 1000 });
afterAll(async () => {
  await guarded.close();
  await open.close();
});

const post = (url: string, dispatcher = guarded) =>
  request(url, { method: 'POST', body: '{}', dispatcher });

describe('delivery agent', () => {
  it('refuses non-public literals before connecting', async () => {
    for (const host of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.10',
      '169.254.169.254',
      '100.100.100.200',
      '224.0.0.1',
      '[::1]',
      '[fe80::1]',
      '[::ffff:127.0.0.1]',
    ]) {
      await expect(post(`http://${host}:${receiver.port}/hooks`), host).rejects.toThrow(
        BlockedAddressError,
      );
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses a name resolving to loopback inside the connection lookup', async () => {
    await expect(post(`http://localhost:${receiver.port}/hooks`)).rejects.toThrow(
      /address not allowed for webhooks: localhost/,
    );
    expect(receiver.received).toHaveLength(0);
  });

  it('connects anywhere when private addresses are allowed, following no redirect', async () => {
    receiver.respond(() => ({ status: 302, headers: { location: 'http://127.0.0.1:1/' } }));
    const res = await post(`http://localhost:${receiver.port}/hooks`, open);
    expect(res.statusCode).toBe(302);
    await res.body.text();
    expect(receiver.received).toHaveLength(1);
  });

  it('reports a refused name through the lookup callback', async () => {
    await new Promise<void>((resolve) => {
      publicOnlyLookup('localhost', { all: true }, (err) => {
        expect(err).toBeInstanceOf(BlockedAddressError);
        resolve();
      });
    });
  });
});
