// The quick start's demo data and demo app: the demo merchant installs demo-app through
// /demo, and the token it gets passes the gateway for content and is refused payments.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_MERCHANT } from '../../src/demo/index.ts';
import { HttpAgent } from '../support/http-agent.ts';
import { consent, signIn } from '../support/oauth.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ env: { DEMO: 'true' } });
});
afterAll(() => sys?.stop());

it('installs the demo app end to end through the built-in demo platform API', async () => {
  const agent = new HttpAgent();
  const callback = `${sys.issuer}/demo/callback`;
  let page = await agent.follow(await agent.get(`${sys.issuer}/demo/start`), callback);
  page = await signIn(agent, page, DEMO_MERCHANT.email, DEMO_MERCHANT.password);
  page = await consent(agent, page, {
    decision: 'approve',
    scope: ['media:read'],
    site: 's_demo_blog',
  });
  page = await agent.follow(page, 'nowhere:');
  expect(page.status).toBe(200);
  expect(page.body).toContain('Installed');
  expect(page.body).toContain('&quot;site&quot;: &quot;s_demo_blog&quot;');
  expect(page.body).toMatch(/GET \/api\/content<\/code> → <strong>200/);
  expect(page.body).toMatch(/GET \/api\/leads<\/code> → <strong>200/);
  expect(page.body).toMatch(/GET \/api\/payments<\/code> → <strong>403/);
  expect(page.body).toMatch(/POST \/api\/content<\/code> → <strong>403/);
});
