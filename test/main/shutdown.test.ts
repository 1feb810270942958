// SIGTERM under load: a gateway process stops accepting, finishes every response it has
// started (a slow, streamed upstream body), and exits. A request is either answered whole
// or refused before any of its answer was sent; never cut mid-response.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { createMerchant, install, manifest, registerApp } from '../support/oauth.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const CHUNKS = 6;
const CHUNK = 'x'.repeat(1024);

let redis: TestRedis;
let sys: TestSystem;
let upstream: Server;

/** An upstream that streams CHUNKS chunks 40 ms apart: each answer takes about 240 ms. */
function slowUpstream(): Promise<string> {
  upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    let sent = 0;
    const timer = setInterval(() => {
      res.write(CHUNK);
      if (++sent === CHUNKS) {
        clearInterval(timer);
        res.end();
      }
    }, 40);
    res.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) =>
    upstream.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`),
    ),
  );
}

beforeAll(async () => {
  redis = await startRedis();
  sys = await startTestSystem({
    redisUrl: redis.url,
    env: { PLATFORM_API_URL: await slowUpstream() },
  });
  await createMerchant(sys);
}, 60_000);
afterAll(async () => {
  await sys?.stop();
  await redis?.stop();
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

it('finishes in-flight responses on SIGTERM and cuts none', async () => {
  const app = await registerApp(sys, manifest('shutdown-app'));
  const { tokens } = await install(sys, app, { site: 's_shop' });
  const gateway = await startGatewayProcess(sys, {
    PLATFORM_API_URL: sys.config.platformApiUrl ?? '',
  });
  const pool = new Pool(gateway.url, { connections: 20 });
  const outcome = { whole: 0, wholeAfterSigterm: 0, refused: 0, cut: 0, other: [] as string[] };
  let sigtermAt = 0;
  let stopped = false;

  const client = async () => {
    while (!stopped) {
      let answered = false;
      try {
        const res = await pool.request({
          method: 'GET',
          path: '/api/content',
          headers: { authorization: `Bearer ${tokens.access_token}` },
        });
        answered = true;
        const body = await res.body.text();
        if (res.statusCode === 200 && body.length === CHUNKS * CHUNK.length) {
          outcome.whole++;
          if (sigtermAt) outcome.wholeAfterSigterm++;
        } else outcome.other.push(`${res.statusCode} ${body.length}`);
      } catch (err) {
        if (answered) outcome.cut++;
        else outcome.refused++;
        if (sigtermAt === 0) outcome.other.push(String((err as Error).message));
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const clients = Array.from({ length: 20 }, client);
  await new Promise((r) => setTimeout(r, 1_000));
  sigtermAt = Date.now();
  await gateway.stop(); // SIGTERM, then waits for the process to exit
  const exitedAfterMs = Date.now() - sigtermAt;
  stopped = true;
  await Promise.all(clients);
  await pool.destroy();

  console.log(`FIGURES shutdown ${JSON.stringify({ ...outcome, exitedAfterMs })}`);
  expect(outcome.cut).toBe(0);
  expect(outcome.other).toEqual([]);
  expect(outcome.whole).toBeGreaterThan(20);
  // Requests under way when SIGTERM arrived were answered in full.
  expect(outcome.wholeAfterSigterm).toBeGreaterThan(0);
}, 60_000);
