// The built-in demo platform API reads bodies like every listener: a body it cannot read
// is a 4xx, never a 500.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDemoPlatformApi } from '../../src/demo/platform-api.ts';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createDemoPlatformApi().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const post = (body: string | Buffer, headers: Record<string, string>) =>
  fetch(`${base}/api/content`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-scopegate-site': 's_1', ...headers },
    body,
  });

it('answers 400 to a body that does not decompress as its Content-Encoding says', async () => {
  const res = await post('not gzip at all', { 'content-encoding': 'gzip' });
  expect(res.status).toBe(400);
});

it('answers 413 past its limit and 400 to bad JSON, and 201 to a good body', async () => {
  expect((await post(`{"x":"${'a'.repeat(1_100_000)}"}`, {})).status).toBe(413);
  expect((await post('{"x":', {})).status).toBe(400);
  expect((await post('{"title":"Home"}', {})).status).toBe(201);
});
