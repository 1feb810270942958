// Review-only staging end to end over real HTTP (memory store): a review-only app's
// writes become proposals the platform never sees; the merchant reviews the diff and
// approves (replayed once, with who approved) or rejects; revocation cancels the rest.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROPOSAL_MAX_BODY_BYTES } from '../../src/proposals/http.ts';
import { MAX_PENDING } from '../../src/proposals/stage.ts';
import { accountSignIn, cardOf, formFor, textOf } from '../account/harness.ts';
import { createMerchant } from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { mint } from '../support/tokens.ts';
import {
  decide,
  gateway,
  type ProposalWorld,
  proposalPage,
  propose,
  replaysOf,
  startWorld,
  statusOf,
} from './harness.ts';

let w: ProposalWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.stop();
});
beforeEach(() => {
  w.platform.received.length = 0;
  w.platform.documents.clear();
});

describe('staging at the gateway', () => {
  it('answers a review-only write 202 and sends the platform nothing; reads pass', async () => {
    const id = await propose(w, 'POST', '/api/content/x', { title: 'Hello' });
    expect(id).toMatch(/^prop_[\w-]{22}$/);
    expect(w.platform.received).toEqual([]);

    w.platform.documents.set('/api/content/x', '{"title":"Live"}');
    const read = await gateway(w, w.review.token, 'GET', '/api/content/x');
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body)).toEqual({ title: 'Live' });
    expect(w.platform.received.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/content/x']);
  });

  it('lets the app read its own proposal, and no other app', async () => {
    const id = await propose(w, 'POST', '/api/content/pages?draft=1', { title: 'Draft' });
    const mine = await statusOf(w, id);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      proposal: id,
      status: 'pending_review',
      method: 'POST',
      path: '/api/content/pages?draft=1',
      decided_at: null,
      replay: null,
    });
    expect((await statusOf(w, id, w.connected.token)).status).toBe(404);
    expect((await statusOf(w, 'prop_unknown')).status).toBe(404);
    const anonymous = await rawRequest(w.sys.gatewayUrl, 'GET', `/scopegate/proposals/${id}`);
    expect(anonymous.status).toBe(401);
    const wrongMethod = await gateway(w, w.review.token, 'DELETE', `/scopegate/proposals/${id}`);
    expect(wrongMethod.status).toBe(404);
    expect(w.platform.received).toEqual([]);
  });

  it('reads the target for the diff, never writes it', async () => {
    w.platform.documents.set('/api/content/about', '{"title":"About","body":"Old text"}');
    await propose(w, 'PUT', '/api/content/about', { title: 'About', body: 'New text' });
    expect(w.platform.writes()).toEqual([]);
    const [snapshot] = w.platform.received;
    expect(snapshot?.method).toBe('GET');
    expect(snapshot?.headers['x-scopegate-app']).toBe(w.review.app);
    expect(snapshot?.headers['x-scopegate-installation']).toBe(w.review.installation);
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(PROPOSAL_MAX_BODY_BYTES) });
    const declared = await gateway(w, w.review.token, 'POST', '/api/content/big', big);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: 'payload_too_large' });
    // No content-length: node sends it chunked, so the bound applies while reading.
    const streamed = await rawRequest(
      w.sys.gatewayUrl,
      'POST',
      '/api/content/big',
      { authorization: `Bearer ${w.review.token}`, 'content-type': 'application/json' },
      big,
    );
    expect(streamed.status).toBe(413);
    const atLimit = await gateway(
      w,
      w.review.token,
      'POST',
      '/api/content/big',
      'y'.repeat(PROPOSAL_MAX_BODY_BYTES),
    );
    expect(atLimit.status).toBe(202);
    expect(w.platform.received).toEqual([]);
  });

  it("forwards a connected app's writes as before", async () => {
    const res = await gateway(w, w.connected.token, 'PUT', '/api/content/blog', { title: 'Now' });
    expect(res.status).toBe(201);
    expect(w.platform.writes()).toHaveLength(1);
    expect(w.platform.writes()[0]?.body).toBe('{"title":"Now"}');
  });

  it('refuses writes of a token naming no access mode, and still lets it read', async () => {
    const token = await mint(w.sys, {
      claims: { scope: 'content:write', access_mode: undefined },
    });
    const write = await gateway(w, token, 'POST', '/api/content/x', { a: 1 });
    expect(write.status).toBe(403);
    expect(JSON.parse(write.body)).toMatchObject({ error: 'access_mode_unknown' });
    expect(write.headers['www-authenticate']).toContain('error="access_mode_unknown"');
    w.platform.documents.set('/api/content/x', '{}');
    expect((await gateway(w, token, 'GET', '/api/content/x')).status).toBe(200);
    const readOnly = await mint(w.sys, {
      claims: { scope: 'content:write', access_mode: 'read-only' },
    });
    const refused = await gateway(w, readOnly, 'DELETE', '/api/content/x');
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'access_mode_forbids_write' });
    expect(w.platform.writes()).toEqual([]);
  });

  it(`refuses the write after ${MAX_PENDING} pending proposals with 429, and stages none`, async () => {
    const token = await mint(w.sys, {
      claims: { scope: 'content:write', access_mode: 'review-only', installation: 'inst_capped' },
    });
    for (let i = 0; i < MAX_PENDING; i++) {
      const staged = await gateway(w, token, 'POST', '/api/content/pages', { n: i });
      expect(staged.status).toBe(202);
    }
    const refused = await gateway(w, token, 'POST', '/api/content/pages', { n: MAX_PENDING });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'too_many_pending' });
    const stored = await w.sys.store.proposals.listByInstallation('inst_capped', { pending: true });
    expect(stored).toHaveLength(MAX_PENDING);
    expect(w.platform.writes()).toEqual([]);
  });
});

describe('review by the merchant', () => {
  it('lists pending proposals on the connected-apps page with a link to each', async () => {
    const id = await propose(w, 'POST', '/api/content/listed', { title: 'Listed' });
    const apps = await w.merchant.get(`${w.sys.issuer}/account/apps`);
    const card = cardOf(apps.body, w.review.installation);
    expect(card).toContain('Waiting for your review');
    expect(card).toContain(`href="/account/proposals/${id}"`);
    expect(textOf(card)).toContain('POST /api/content/listed');
  });

  it('shows a readable, escaped diff of what would change', async () => {
    w.platform.documents.set(
      '/api/content/page-1',
      JSON.stringify({ title: 'Old', blocks: ['intro', 'footer'], seo: { index: true } }),
    );
    const id = await propose(w, 'PATCH', '/api/content/page-1', {
      title: '<script>alert(1)</script>',
      seo: null,
    });
    const page = await proposalPage(w, id);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const diff = /<pre data-diff>([\s\S]*?)<\/pre>/.exec(page.body)?.[1] ?? '';
    // Keys sorted, the patch applied: seo removed, title changed, blocks kept.
    expect(diff).toContain('<del data-op="remove">-   &quot;seo&quot;: {</del>');
    expect(diff).toContain('<del data-op="remove">-   &quot;title&quot;: &quot;Old&quot;</del>');
    expect(diff).toContain(
      '<ins data-op="add">+   &quot;title&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</ins>',
    );
    expect(diff).toContain('<span data-op="same">      &quot;intro&quot;,</span>');
    expect(diff).toContain('… 2 unchanged lines …');
    expect(textOf(page.body)).toContain('JSON merge patch (RFC 7386)');
    expect(w.platform.writes()).toEqual([]);
  });

  it('replays an approved proposal once, with who approved it, and tells the app', async () => {
    const body = { title: 'Approved page', blocks: ['a', 'b'] };
    const id = await propose(w, 'PUT', '/api/content/approved?lang=en', body);
    expect(w.platform.writes()).toEqual([]);

    const res = await decide(w, id, 'approve');
    expect(res.status).toBe(303);
    expect(res.location).toContain(`/account/proposals/${id}?done=approved`);

    const [replay, ...more] = replaysOf(w, id);
    expect(more).toEqual([]);
    expect(w.platform.writes()).toHaveLength(1);
    expect(replay?.method).toBe('PUT');
    expect(replay?.url).toBe('/api/content/approved?lang=en');
    expect(JSON.parse(replay?.body ?? '')).toEqual(body);
    expect(replay?.headers['content-type']).toBe('application/json');
    expect(replay?.headers['x-scopegate-approved-by']).toBe(w.merchantId);
    expect(replay?.headers['x-scopegate-app']).toBe(w.review.app);
    expect(replay?.headers['x-scopegate-site']).toBe('s_shop');
    expect(replay?.headers['x-scopegate-installation']).toBe(w.review.installation);
    expect(replay?.headers['x-scopegate-scopes']).toBe('content:read content:write');
    expect(replay?.headers.authorization).toBeUndefined();
    expect(w.platform.documents.get('/api/content/approved')).toBe(JSON.stringify(body));

    const seen = await statusOf(w, id);
    expect(seen.body).toMatchObject({
      status: 'approved',
      replay: { outcome: 'replayed', status: 201, error: null },
    });
    expect(seen.body.decided_at).toMatch(/Z$/);
    const answer = Buffer.from(seen.body.replay.body_base64, 'base64').toString();
    expect(JSON.parse(answer)).toMatchObject({ stored: '/api/content/approved' });

    const page = await proposalPage(w, id);
    expect(page.body).toContain('data-status="approved"');
    expect(page.body).toContain('data-field="replay_status">201<');
    expect(page.body).not.toContain('/approve"');
  });

  it('replays a double-clicked approval once', async () => {
    const id = await propose(w, 'POST', '/api/content/double', { n: 1 });
    const page = await proposalPage(w, id);
    const form = formFor(page, '/approve');
    const answers = await Promise.all([
      w.merchant.post(form.action, { csrf: form.csrf }),
      w.merchant.post(form.action, { csrf: form.csrf }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 409]);
    expect(replaysOf(w, id)).toHaveLength(1);
    const again = await w.merchant.post(form.action, { csrf: form.csrf });
    expect(again.status).toBe(409);
    expect(textOf(again.body)).toContain('already approved');
    const reject = await w.merchant.post(form.action.replace(/approve$/, 'reject'), {
      csrf: form.csrf,
    });
    expect(reject.status).toBe(409);
    expect((await statusOf(w, id)).body.status).toBe('approved');
    expect(replaysOf(w, id)).toHaveLength(1);
    expect(w.platform.writes()).toHaveLength(1);
  });

  it('never sends a rejected proposal, and tells the app why', async () => {
    const id = await propose(w, 'DELETE', '/api/content/keep-me');
    const res = await decide(w, id, 'reject', { reason: 'Keep this page' });
    expect(res.status).toBe(303);
    expect(w.platform.writes()).toEqual([]);
    expect((await statusOf(w, id)).body).toMatchObject({
      status: 'rejected',
      reason: 'Keep this page',
      replay: null,
    });
    const page = await proposalPage(w, id);
    expect(page.body).toContain('data-status="rejected"');
    expect(page.body).not.toContain('/approve"');
    // The session's CSRF token, as any of its forms carries it.
    const csrf = formFor(page, '/account/logout').csrf;
    const late = await w.merchant.post(`${w.sys.issuer}/account/proposals/${id}/approve`, { csrf });
    expect(late.status).toBe(409);
    expect(w.platform.writes()).toEqual([]);
  });

  it('refuses a decision without the CSRF token, and one by another merchant', async () => {
    const id = await propose(w, 'POST', '/api/content/guarded', { n: 2 });
    const forged = await w.merchant.post(`${w.sys.issuer}/account/proposals/${id}/approve`, {
      csrf: 'forged',
    });
    expect(forged.status).toBe(403);

    await createMerchant(w.sys, {
      email: 'someone@else.test',
      password: 'another-long-password',
      sites: [{ id: 's_else', name: 'Else' }],
    });
    const { agent } = await accountSignIn(
      w.sys.issuer,
      'someone@else.test',
      'another-long-password',
    );
    expect((await proposalPage(w, id, agent)).status).toBe(404);
    const apps = await agent.get(`${w.sys.issuer}/account/apps`);
    const csrf = formFor(apps, '/account/logout').csrf;
    const theirs = await agent.post(`${w.sys.issuer}/account/proposals/${id}/approve`, { csrf });
    expect(theirs.status).toBe(404);

    expect(w.platform.writes()).toEqual([]);
    expect((await statusOf(w, id)).body.status).toBe('pending_review');
  });
});

// Last: it revokes the review-only installation the other tests use.
describe('revocation', () => {
  it('cancels pending proposals; approving one afterwards is 409 and sends nothing', async () => {
    const pending = await propose(w, 'PUT', '/api/content/pending', { title: 'Never' });
    const decided = await propose(w, 'POST', '/api/content/decided', { title: 'Earlier' });
    expect((await decide(w, decided, 'reject')).status).toBe(303);
    const page = await proposalPage(w, pending);
    const approve = formFor(page, '/approve');

    const revoked = await w.sys.admin(
      'POST',
      `/admin/installations/${w.review.installation}/revoke`,
      {
        reason: 'contract ended',
      },
    );
    expect(revoked.status).toBe(200);

    const cancelled = await w.sys.store.proposals.get(pending);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      decided_by: 'scopegate',
      decision_reason: 'installation revoked',
    });
    expect((await w.sys.store.proposals.get(decided))?.status).toBe('rejected');

    const late = await w.merchant.post(approve.action, { csrf: approve.csrf });
    expect(late.status).toBe(409);
    expect(textOf(late.body)).toContain('revoked');
    expect(w.platform.writes()).toEqual([]);

    // The app's token is refused everywhere now, its proposals' status included.
    expect((await statusOf(w, pending)).status).toBe(401);
    expect((await gateway(w, w.review.token, 'POST', '/api/content/x', {})).status).toBe(401);
    const apps = await w.merchant.get(`${w.sys.issuer}/account/apps`);
    expect(cardOf(apps.body, w.review.installation)).not.toContain('Waiting for your review');
    expect((await proposalPage(w, pending)).body).toContain('data-status="cancelled"');
  });
});
