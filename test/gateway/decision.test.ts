// Property: for random scope sets and random routes, the gateway's answer (forwarded or
// 403) is exactly the scope module's `satisfies` — through real HTTP, token and proxy.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { satisfies, sitepackCatalogue } from '../../src/scopes/index.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { mint } from '../support/tokens.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

let sys: TestSystem;
let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
  sys = await startTestSystem({ env: { PLATFORM_API_URL: upstream.url } });
});
afterAll(async () => {
  await sys?.stop();
  await upstream?.close();
});

const scopes = sitepackCatalogue().entries.map((e) => e.scope);
const resources = ['content', 'media', 'leads', 'payments'];
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

it('forwards exactly when the token scope satisfies the route scope', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.subarray(scopes, { minLength: 1 }),
      fc.constantFrom(...methods),
      fc.constantFrom(...resources),
      async (granted, method, resource) => {
        const token = await mint(sys, { claims: { scope: granted.join(' ') } });
        const before = upstream.received.length;
        const res = await rawRequest(sys.gatewayUrl, method, `/api/${resource}/x`, {
          authorization: `Bearer ${token}`,
        });
        const needed = `${resource}:${method === 'GET' || method === 'HEAD' ? 'read' : 'write'}`;
        const allowed = satisfies(granted, needed);
        expect(res.status).toBe(allowed ? 200 : 403);
        expect(upstream.received.length - before).toBe(allowed ? 1 : 0);
      },
    ),
    { numRuns: 60 },
  );
});
