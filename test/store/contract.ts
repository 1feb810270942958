// The one behaviour every Store implementation must show (run by contract.test.ts against
// memory and Redis). Time moves by fake timers for memory, by real waiting for Redis.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DataFlow, Report } from '../../src/access/types.ts';
import { type Proposal, type ProposalReplay, pendingProposal } from '../../src/proposals/types.ts';
import type { Store } from '../../src/store/types.ts';
import { addDays, USAGE_RETENTION_DAYS, utcDay } from '../../src/usage/days.ts';
import { app, ids, installation, merchant } from './fixtures.ts';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

/** Moves the clock the store reads: fake timers for memory, the wall clock for Redis. */
interface Clock {
  advance(ms: number): Promise<void>;
}

function useClock(store: Store): Clock {
  if (store.kind === 'memory') {
    vi.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    return {
      async advance(ms) {
        vi.advanceTimersByTime(ms);
      },
    };
  }
  return { advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

/** Defines the contract suite for one implementation; makeStore runs before every test. */
export function storeContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      vi.useRealTimers();
      await cleanup();
    });

    describe('apps', () => {
      it('puts, gets and lists apps, oldest first', async () => {
        await store.apps.put(app('b', '2026-01-02T00:00:00.000Z'));
        await store.apps.put(app('a', '2026-01-03T00:00:00.000Z'));
        await store.apps.put(app('c', '2026-01-01T00:00:00.000Z'));
        expect(await store.apps.get('a')).toEqual(app('a', '2026-01-03T00:00:00.000Z'));
        expect(await store.apps.get('nope')).toBeUndefined();
        expect(ids(await store.apps.list())).toEqual(['c', 'b', 'a']);
      });

      it('replaces an app put again under the same id', async () => {
        await store.apps.put(app('a'));
        const replaced = { ...app('a'), clientSecret: null, webhookSecrets: [] };
        await store.apps.put(replaced);
        expect(await store.apps.get('a')).toEqual(replaced);
        expect(await store.apps.list()).toEqual([replaced]);
      });

      it('hands out copies, not its own objects', async () => {
        await store.apps.put(app('a'));
        const got = await store.apps.get('a');
        got!.webhookSecrets.push('tampered');
        expect(await store.apps.get('a')).toEqual(app('a'));
      });

      it('lists nothing when empty', async () => {
        expect(await store.apps.list()).toEqual([]);
      });
    });

    describe('merchants', () => {
      it('creates a merchant and finds it by id, email and each site', async () => {
        const m = merchant('m_1', 'ann@example.com', ['s_a', 's_b']);
        expect(await store.merchants.create(m)).toEqual({ ok: true });
        expect(await store.merchants.get('m_1')).toEqual(m);
        expect(await store.merchants.findByEmail('ann@example.com')).toEqual(m);
        expect(await store.merchants.findBySite('s_a')).toEqual(m);
        expect(await store.merchants.findBySite('s_b')).toEqual(m);
        expect(await store.merchants.get('m_2')).toBeUndefined();
        expect(await store.merchants.findByEmail('bob@example.com')).toBeUndefined();
        expect(await store.merchants.findBySite('s_c')).toBeUndefined();
      });

      it('refuses a taken email and writes nothing', async () => {
        await store.merchants.create(merchant('m_1', 'ann@example.com', ['s_a']));
        const result = await store.merchants.create(merchant('m_2', 'ann@example.com', ['s_b']));
        expect(result).toEqual({ ok: false, conflict: 'email', value: 'ann@example.com' });
        expect(await store.merchants.get('m_2')).toBeUndefined();
        expect(await store.merchants.findBySite('s_b')).toBeUndefined();
        expect((await store.merchants.findByEmail('ann@example.com'))?.id).toBe('m_1');
      });

      it('refuses a site owned by another merchant, names it, and writes nothing', async () => {
        await store.merchants.create(merchant('m_1', 'ann@example.com', ['s_a', 's_b']));
        const result = await store.merchants.create(
          merchant('m_2', 'bob@example.com', ['s_new', 's_b']),
        );
        expect(result).toEqual({ ok: false, conflict: 'site', value: 's_b' });
        expect(await store.merchants.findByEmail('bob@example.com')).toBeUndefined();
        expect(await store.merchants.get('m_2')).toBeUndefined();
        expect(await store.merchants.findBySite('s_new')).toBeUndefined();
        expect((await store.merchants.findBySite('s_b'))?.id).toBe('m_1');
        // Nothing was reserved: the same email and free site can be used afterwards.
        const retry = await store.merchants.create(merchant('m_2', 'bob@example.com', ['s_new']));
        expect(retry).toEqual({ ok: true });
      });

      it('rejects a second merchant with an existing id', async () => {
        await store.merchants.create(merchant('m_1', 'ann@example.com', ['s_a']));
        await expect(
          store.merchants.create(merchant('m_1', 'bob@example.com', ['s_b'])),
        ).rejects.toThrow();
        expect(await store.merchants.findByEmail('bob@example.com')).toBeUndefined();
      });
    });

    describe('installations', () => {
      const i1 = installation('g1', {
        app: 'app-a',
        site: 's_1',
        merchant: 'm_1',
        approved_at: '2026-02-01T10:00:00.000Z',
      });
      const i2 = installation('g2', {
        app: 'app-a',
        site: 's_2',
        merchant: 'm_1',
        approved_at: '2026-02-03T10:00:00.000Z',
        requested_scopes: [],
      });
      const i3 = installation('g3', {
        app: 'app-b',
        site: 's_1',
        merchant: 'm_1',
        approved_at: '2026-02-02T10:00:00.000Z',
        access_mode: 'read-only',
      });
      const i4 = installation('g4', {
        app: 'app-a',
        site: 's_3',
        merchant: 'm_2',
        approved_at: '2026-02-04T10:00:00.000Z',
      });
      const createAll = async () => {
        for (const i of [i1, i2, i3, i4]) await store.installations.create(i);
      };

      it('creates and gets an installation unchanged', async () => {
        await store.installations.create(i2);
        expect(await store.installations.get('g2')).toEqual(i2);
        expect(await store.installations.get('nope')).toBeUndefined();
      });

      it('lists every installation newest approval first', async () => {
        await createAll();
        expect(ids(await store.installations.list({}))).toEqual(['g4', 'g2', 'g3', 'g1']);
        expect(await store.installations.list({ app: 'app-b' })).toEqual([i3]);
      });

      it('filters by app, site and merchant, alone and combined', async () => {
        await createAll();
        const list = async (filter: Parameters<Store['installations']['list']>[0]) =>
          ids(await store.installations.list(filter));
        expect(await list({ app: 'app-a' })).toEqual(['g4', 'g2', 'g1']);
        expect(await list({ site: 's_1' })).toEqual(['g3', 'g1']);
        expect(await list({ merchant: 'm_1' })).toEqual(['g2', 'g3', 'g1']);
        expect(await list({ merchant: 'm_2' })).toEqual(['g4']);
        expect(await list({ app: 'app-a', site: 's_1' })).toEqual(['g1']);
        expect(await list({ app: 'app-a', merchant: 'm_1' })).toEqual(['g2', 'g1']);
        expect(await list({ site: 's_1', merchant: 'm_1' })).toEqual(['g3', 'g1']);
        expect(await list({ app: 'app-b', site: 's_1', merchant: 'm_1' })).toEqual(['g3']);
        expect(await list({ app: 'app-b', merchant: 'm_2' })).toEqual([]);
        expect(await list({ app: 'app-z' })).toEqual([]);
      });

      it('rejects a duplicate id and keeps the first record and its indexes', async () => {
        await store.installations.create(i1);
        const clash = { ...i1, app: 'app-z', site: 's_z', merchant: 'm_z' };
        await expect(store.installations.create(clash)).rejects.toThrow();
        expect(await store.installations.get('g1')).toEqual(i1);
        expect(await store.installations.list({ app: 'app-z' })).toEqual([]);
        expect(await store.installations.list({ site: 's_z' })).toEqual([]);
        expect(ids(await store.installations.list({}))).toEqual(['g1']);
      });

      it('revokes: writes revoked_at/by/reason and returns the stored record', async () => {
        await createAll();
        const at = '2026-03-01T00:00:00.000Z';
        const revoked = await store.installations.revoke('g2', {
          at,
          by: 'operator',
          reason: 'abuse',
        });
        const expected = { ...i2, revoked_at: at, revoked_by: 'operator', revoke_reason: 'abuse' };
        expect(revoked).toEqual(expected);
        expect(await store.installations.get('g2')).toEqual(expected);
        expect((await store.installations.list({ site: 's_2' }))[0]).toEqual(expected);
        expect(await store.installations.get('g1')).toEqual(i1);
      });

      it('keeps the first revocation when revoked twice', async () => {
        await store.installations.create(i1);
        const first = await store.installations.revoke('g1', {
          at: '2026-03-01T00:00:00.000Z',
          by: 'm_1',
          reason: null,
        });
        const second = await store.installations.revoke('g1', {
          at: '2026-03-02T00:00:00.000Z',
          by: 'operator',
          reason: 'again',
        });
        expect(first).toMatchObject({
          revoked_at: '2026-03-01T00:00:00.000Z',
          revoke_reason: null,
        });
        expect(second).toEqual(first);
        expect(await store.installations.get('g1')).toEqual(first);
      });

      it('answers undefined when revoking an unknown id, and creates nothing', async () => {
        const result = await store.installations.revoke('nope', {
          at: '2026-03-01T00:00:00.000Z',
          by: 'operator',
          reason: null,
        });
        expect(result).toBeUndefined();
        expect(await store.installations.get('nope')).toBeUndefined();
        expect(await store.installations.list({})).toEqual([]);
      });

      it('keeps a record created as revoked revoked', async () => {
        const gone = {
          ...i1,
          revoked_at: '2026-02-05T00:00:00.000Z',
          revoked_by: 'operator',
          revoke_reason: null,
        };
        await store.installations.create(gone);
        expect(await store.installations.get('g1')).toEqual(gone);
        const again = await store.installations.revoke('g1', {
          at: '2026-03-01T00:00:00.000Z',
          by: 'm_1',
          reason: 'later',
        });
        expect(again).toEqual(gone);
      });
    });

    describe('enforcement', () => {
      it('records enforced_at once and reads it back', async () => {
        await store.installations.create(
          installation('e1', { app: 'a', site: 's', merchant: 'm' }),
        );
        expect((await store.installations.get('e1'))?.enforced_at).toBeNull();
        const first = await store.installations.markEnforced('e1', '2026-05-01T00:00:00.000Z');
        expect(first?.enforced_at).toBe('2026-05-01T00:00:00.000Z');
        await store.installations.markEnforced('e1', '2026-06-01T00:00:00.000Z');
        expect((await store.installations.get('e1'))?.enforced_at).toBe('2026-05-01T00:00:00.000Z');
        expect((await store.installations.list({ app: 'a' }))[0]?.enforced_at).toBe(
          '2026-05-01T00:00:00.000Z',
        );
        expect(
          await store.installations.markEnforced('nope', '2026-05-01T00:00:00.000Z'),
        ).toBeUndefined();
      });
    });

    describe('reports', () => {
      const report = (id: string, site: string, received_at: string): Report => ({
        id,
        site,
        received_at,
        findings: [
          {
            id: 'f1',
            title: 'Missing consent banner',
            evidence: 'no CMP script on /',
            task: {
              app: 'app-a',
              kind: 'fix',
              provider: 'gtm',
              target: 'container GTM-1',
              required_scopes: ['content:write'],
              requested_scopes: ['content:write', 'leads:read'],
              needs_live_write: { reason: 'tag publishing cannot be staged' },
              data_purpose: 'lead routing',
              instructions: 'Add the CMP tag in GTM.',
            },
          },
          {
            id: 'f2',
            title: 'Check again',
            task: {
              app: 'app-b',
              kind: 'retest',
              provider: 'wordpress',
              target: '/',
              required_scopes: [],
              instructions: 'Reload the page.',
            },
          },
        ],
      });

      it('puts a report and gets it back unchanged, optional fields and empty lists included', async () => {
        const r = report('r1', 's_1', '2026-02-01T10:00:00.000Z');
        expect(await store.reports.put(r)).toEqual({ created: true, report: r });
        expect(await store.reports.get('r1')).toEqual(r);
        expect(await store.reports.get('nope')).toBeUndefined();
      });

      it('keeps the first report under an id and hands it back, indexes untouched', async () => {
        const first = report('r1', 's_1', '2026-02-01T10:00:00.000Z');
        await store.reports.put(first);
        const other = { ...report('r1', 's_2', '2026-02-02T10:00:00.000Z'), findings: [] };
        expect(await store.reports.put(other)).toEqual({ created: false, report: first });
        expect(await store.reports.get('r1')).toEqual(first);
        expect(await store.reports.listBySite('s_2')).toEqual([]);
        expect(await store.reports.listBySite('s_1')).toEqual([first]);
      });

      it('creates exactly one report when the same id is put concurrently', async () => {
        const attempts = ['s_1', 's_2', 's_3', 's_4', 's_5'].map((site) =>
          report('r1', site, '2026-02-01T10:00:00.000Z'),
        );
        const results = await Promise.all(attempts.map((r) => store.reports.put(r)));
        const winners = results.filter((r) => r.created);
        expect(winners).toHaveLength(1);
        const stored = await store.reports.get('r1');
        for (const result of results) expect(result.report).toEqual(stored);
        const listed = await Promise.all(attempts.map((r) => store.reports.listBySite(r.site)));
        expect(listed.flat()).toEqual([stored]);
      });

      it("lists a site's reports newest first, ties by id descending", async () => {
        await store.reports.put(report('r1', 's_1', '2026-02-01T10:00:00.000Z'));
        await store.reports.put(report('r2', 's_1', '2026-02-03T10:00:00.000Z'));
        await store.reports.put(report('r3', 's_2', '2026-02-04T10:00:00.000Z'));
        await store.reports.put(report('r4', 's_1', '2026-02-02T10:00:00.000Z'));
        await store.reports.put(report('r5', 's_1', '2026-02-02T10:00:00.000Z'));
        expect(ids(await store.reports.listBySite('s_1'))).toEqual(['r2', 'r5', 'r4', 'r1']);
        expect(await store.reports.listBySite('s_2')).toEqual([
          report('r3', 's_2', '2026-02-04T10:00:00.000Z'),
        ]);
        expect(await store.reports.listBySite('s_none')).toEqual([]);
      });

      it('hands out copies, not its own objects', async () => {
        const r = report('r1', 's_1', '2026-02-01T10:00:00.000Z');
        const put = await store.reports.put(r);
        put.report.findings.pop();
        r.findings.pop();
        (await store.reports.get('r1'))?.findings.pop();
        (await store.reports.listBySite('s_1'))[0]?.findings.pop();
        expect(await store.reports.get('r1')).toEqual(
          report('r1', 's_1', '2026-02-01T10:00:00.000Z'),
        );
      });
    });

    describe('data flows', () => {
      const flow = (id: string, app: string, created_at: string): DataFlow => ({
        id,
        app,
        scopes: ['leads:read', 'payments:read'],
        purpose: `lead routing for ${app}`,
        created_at,
      });
      const f1 = flow('df_1', 'app-a', '2026-02-01T10:00:00.000Z');
      const f2 = flow('df_2', 'app-b', '2026-02-03T10:00:00.000Z');
      const f3 = flow('df_3', 'app-a', '2026-02-02T10:00:00.000Z');
      const f4 = flow('df_4', 'app-a', '2026-02-02T10:00:00.000Z');
      const createAll = async () => {
        for (const f of [f1, f2, f3, f4]) await store.dataFlows.create(f);
      };

      it('creates flows and lists them newest first, ties by id descending, by app too', async () => {
        expect(await store.dataFlows.list()).toEqual([]);
        await createAll();
        expect(await store.dataFlows.list()).toEqual([f2, f4, f3, f1]);
        expect(ids(await store.dataFlows.list({}))).toEqual(['df_2', 'df_4', 'df_3', 'df_1']);
        expect(await store.dataFlows.list({ app: 'app-a' })).toEqual([f4, f3, f1]);
        expect(await store.dataFlows.list({ app: 'app-b' })).toEqual([f2]);
        expect(await store.dataFlows.list({ app: 'app-z' })).toEqual([]);
      });

      it('rejects a duplicate id and keeps the first flow and its indexes', async () => {
        await store.dataFlows.create(f1);
        const clash = { ...f1, app: 'app-z', purpose: 'other' };
        await expect(store.dataFlows.create(clash)).rejects.toThrow();
        expect(await store.dataFlows.list()).toEqual([f1]);
        expect(await store.dataFlows.list({ app: 'app-z' })).toEqual([]);
      });

      it('deletes a flow from every listing, once', async () => {
        await createAll();
        expect(await store.dataFlows.delete('df_3')).toBe(true);
        expect(ids(await store.dataFlows.list())).toEqual(['df_2', 'df_4', 'df_1']);
        expect(ids(await store.dataFlows.list({ app: 'app-a' }))).toEqual(['df_4', 'df_1']);
        expect(await store.dataFlows.delete('df_3')).toBe(false);
        expect(await store.dataFlows.delete('nope')).toBe(false);
        expect(ids(await store.dataFlows.list())).toEqual(['df_2', 'df_4', 'df_1']);
      });

      it('deletes a flow exactly once when deleted concurrently', async () => {
        await createAll();
        const results = await Promise.all([1, 2, 3].map(() => store.dataFlows.delete('df_1')));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(ids(await store.dataFlows.list({ app: 'app-a' }))).toEqual(['df_4', 'df_3']);
      });

      it('hands out copies, not its own objects', async () => {
        const mine = structuredClone(f1);
        await store.dataFlows.create(mine);
        mine.scopes.push('payments:write');
        (await store.dataFlows.list())[0]?.scopes.push('payments:write');
        expect(await store.dataFlows.list()).toEqual([f1]);
      });
    });

    describe('proposals', () => {
      const proposal = (id: string, installation: string, created_at: string): Proposal =>
        pendingProposal({
          id,
          installation,
          app: 'app-a',
          site: 's_1',
          merchant: 'm_1',
          scopes: ['content:write'],
          route: 'content-write',
          method: 'PUT',
          path: '/api/content/x?draft=1',
          headers: { 'content-type': 'application/json' },
          body_base64: Buffer.from('{"title":"new"}').toString('base64'),
          before: {
            state: 'current',
            status: 200,
            content_type: 'application/json',
            body_base64: Buffer.from('{"title":"old","tags":[]}').toString('base64'),
            truncated: false,
          },
          forwarded: { for: '127.0.0.1', host: 'gw', proto: 'http' },
          request_id: `req-${id}`,
          created_at,
        });
      const p1 = proposal('prop_1', 'g1', '2026-02-01T10:00:00.000Z');
      const p2 = proposal('prop_2', 'g1', '2026-02-02T10:00:00.000Z');
      const p3 = proposal('prop_3', 'g1', '2026-02-02T10:00:00.000Z');
      const other = proposal('prop_4', 'g2', '2026-02-03T10:00:00.000Z');
      const decision = (status: 'approved' | 'rejected' | 'cancelled', by = 'm_1') => ({
        status,
        at: '2026-02-05T10:00:00.000Z',
        by,
        reason: status === 'cancelled' ? 'installation revoked' : null,
      });
      const replay: ProposalReplay = {
        outcome: 'replayed',
        at: '2026-02-05T10:00:01.000Z',
        status: 201,
        content_type: 'application/json',
        body_base64: Buffer.from('{"ok":true}').toString('base64'),
        truncated: false,
        error: null,
      };
      const createAll = async () => {
        for (const p of [p1, p2, p3, other]) await store.proposals.create(p);
      };

      it('creates proposals pending, gets them and lists an installation newest first', async () => {
        expect(await store.proposals.listByInstallation('g1')).toEqual([]);
        await createAll();
        expect(await store.proposals.get('prop_1')).toEqual(p1);
        expect(await store.proposals.get('nope')).toBeUndefined();
        expect(await store.proposals.listByInstallation('g1')).toEqual([p3, p2, p1]);
        expect(ids(await store.proposals.listByInstallation('g1', { pending: true }))).toEqual([
          'prop_3',
          'prop_2',
          'prop_1',
        ]);
        expect(await store.proposals.listByInstallation('g2')).toEqual([other]);
      });

      it('refuses a proposal past the pending limit of its installation, atomically', async () => {
        expect(await store.proposals.create(p1, 2)).toBe(true);
        expect(await store.proposals.create(p2, 2)).toBe(true);
        expect(await store.proposals.create(p3, 2)).toBe(false);
        expect(await store.proposals.get('prop_3')).toBeUndefined();
        // Another installation has its own limit; a decided proposal no longer counts.
        expect(await store.proposals.create(other, 2)).toBe(true);
        await store.proposals.decide('prop_1', decision('rejected'));
        expect(await store.proposals.create(p3, 2)).toBe(true);
      });

      it('rejects a duplicate id and keeps the first proposal', async () => {
        await store.proposals.create(p1);
        await expect(store.proposals.create({ ...p1, installation: 'g9' })).rejects.toThrow();
        expect(await store.proposals.get('prop_1')).toEqual(p1);
        expect(await store.proposals.listByInstallation('g9')).toEqual([]);
      });

      it('decides a pending proposal once; a later decision changes nothing', async () => {
        await createAll();
        const first = await store.proposals.decide('prop_2', decision('approved'));
        const approved = {
          ...p2,
          status: 'approved',
          decided_at: '2026-02-05T10:00:00.000Z',
          decided_by: 'm_1',
          decision_reason: null,
        };
        expect(first).toEqual({ decided: true, proposal: approved });
        const second = await store.proposals.decide('prop_2', decision('cancelled', 'scopegate'));
        expect(second).toEqual({ decided: false, proposal: approved });
        expect(await store.proposals.get('prop_2')).toEqual(approved);
        expect(await store.proposals.decide('nope', decision('rejected'))).toBeUndefined();
        expect(ids(await store.proposals.listByInstallation('g1', { pending: true }))).toEqual([
          'prop_3',
          'prop_1',
        ]);
        expect(ids(await store.proposals.listByInstallation('g1'))).toEqual([
          'prop_3',
          'prop_2',
          'prop_1',
        ]);
      });

      it('lets exactly one of concurrent decisions win', async () => {
        await store.proposals.create(p1);
        const results = await Promise.all([
          store.proposals.decide('prop_1', decision('approved')),
          store.proposals.decide('prop_1', decision('approved')),
          store.proposals.decide('prop_1', decision('cancelled', 'scopegate')),
        ]);
        expect(results.filter((r) => r?.decided)).toHaveLength(1);
        const stored = await store.proposals.get('prop_1');
        expect(results.map((r) => r?.proposal)).toEqual([stored, stored, stored]);
      });

      it('records the replay of an approved proposal once, and only of an approved one', async () => {
        await createAll();
        await expect(store.proposals.recordReplay('prop_1', replay)).rejects.toThrow();
        await store.proposals.decide('prop_3', decision('rejected'));
        await expect(store.proposals.recordReplay('prop_3', replay)).rejects.toThrow();
        expect((await store.proposals.get('prop_3'))?.replay).toBeNull();
        await store.proposals.decide('prop_1', decision('approved'));
        const replayed = await store.proposals.recordReplay('prop_1', replay);
        expect(replayed).toMatchObject({ status: 'approved', replay });
        const again = await store.proposals.recordReplay('prop_1', {
          ...replay,
          outcome: 'failed',
          status: null,
          error: 'bad_gateway',
        });
        expect(again?.replay).toEqual(replay);
        expect(await store.proposals.get('prop_1')).toEqual(replayed);
        expect(await store.proposals.recordReplay('nope', replay)).toBeUndefined();
      });

      it('hands out copies, not its own objects', async () => {
        const mine = structuredClone(p1);
        await store.proposals.create(mine);
        mine.scopes.push('payments:write');
        (await store.proposals.get('prop_1'))?.scopes.push('payments:write');
        (await store.proposals.listByInstallation('g1'))[0]!.headers.x = 'y';
        expect(await store.proposals.get('prop_1')).toEqual(p1);
      });
    });

    describe('throttle', () => {
      it('counts hits per key and clears them', async () => {
        expect(await store.throttle.hit('email:ann', 60)).toBe(1);
        expect(await store.throttle.hit('email:ann', 60)).toBe(2);
        expect(await store.throttle.hit('email:ann', 60)).toBe(3);
        expect(await store.throttle.hit('ip:1.2.3.4', 60)).toBe(1);
        await store.throttle.clear('email:ann');
        expect(await store.throttle.hit('email:ann', 60)).toBe(1);
        expect(await store.throttle.hit('ip:1.2.3.4', 60)).toBe(2);
      });

      it('forgets hits once the window has passed', async () => {
        const clock = useClock(store);
        await store.throttle.hit('k', 1);
        expect(await store.throttle.hit('k', 1)).toBe(2);
        await clock.advance(1100);
        expect(await store.throttle.hit('k', 1)).toBe(1);
      });

      it('slides: each hit leaves the window one window after it was made', async () => {
        const clock = useClock(store);
        await store.throttle.hit('k', 1);
        await clock.advance(600);
        expect(await store.throttle.hit('k', 1)).toBe(2);
        await clock.advance(500);
        expect(await store.throttle.hit('k', 1)).toBe(2);
      });
    });

    describe('usage', () => {
      it('adds counts per installation and scope and keeps the latest use', async () => {
        expect(await store.usage.get('i1')).toEqual({});
        await store.usage.add([
          { installation: 'i1', scope: 'content:read', count: 3, last: '2026-01-02T00:00:00.000Z' },
          { installation: 'i1', scope: 'leads:write', count: 1, last: '2026-01-01T00:00:00.000Z' },
          { installation: 'i2', scope: 'content:read', count: 7, last: '2026-01-03T00:00:00.000Z' },
        ]);
        await store.usage.add([
          { installation: 'i1', scope: 'content:read', count: 2, last: '2026-01-01T12:00:00.000Z' },
        ]);
        expect(await store.usage.get('i1')).toEqual({
          'content:read': { count: 5, last: '2026-01-02T00:00:00.000Z' },
          'leads:write': { count: 1, last: '2026-01-01T00:00:00.000Z' },
        });
        expect((await store.usage.get('i2'))['content:read']?.count).toBe(7);
      });

      it('keeps daily counts by the UTC day of each last use, per installation', async () => {
        useClock(store);
        const today = utcDay(Date.now());
        const at = (daysAgo: number, time = '10:00:00.000Z') =>
          `${addDays(today, -daysAgo)}T${time}`;
        await store.usage.add([
          { installation: 'i1', scope: 'content:read', count: 2, last: at(0, '00:00:01.000Z') },
          { installation: 'i1', scope: 'content:read', count: 3, last: at(1, '23:59:59.999Z') },
          { installation: 'i1', scope: 'leads:write', count: 1, last: at(3) },
          { installation: 'i2', scope: 'content:read', count: 9, last: at(1) },
        ]);
        await store.usage.add([
          { installation: 'i1', scope: 'content:read', count: 4, last: at(0) },
          { installation: 'i1', scope: 'content:write', count: 1, last: at(0) },
        ]);
        expect(await store.usage.days('i1', addDays(today, -3), today)).toEqual([
          { day: addDays(today, -3), scope: 'leads:write', count: 1 },
          { day: addDays(today, -1), scope: 'content:read', count: 3 },
          { day: today, scope: 'content:read', count: 6 },
          { day: today, scope: 'content:write', count: 1 },
        ]);
        expect(await store.usage.days('i1', addDays(today, -2), addDays(today, -1))).toEqual([
          { day: addDays(today, -1), scope: 'content:read', count: 3 },
        ]);
        expect(await store.usage.days('i2', today, today)).toEqual([]);
        expect(await store.usage.days('nope', addDays(today, -3), today)).toEqual([]);
        expect((await store.usage.get('i1'))['content:read']).toEqual({ count: 9, last: at(0) });
      });

      it('drops daily counts older than the retention but keeps them in the totals', async () => {
        useClock(store);
        const today = utcDay(Date.now());
        const old = addDays(today, -USAGE_RETENTION_DAYS);
        const kept = addDays(today, -(USAGE_RETENTION_DAYS - 1));
        await store.usage.add([
          { installation: 'i1', scope: 'media:read', count: 5, last: `${old}T23:59:59.000Z` },
          { installation: 'i1', scope: 'media:read', count: 2, last: `${kept}T00:00:00.000Z` },
        ]);
        expect(await store.usage.days('i1', addDays(old, -10), today)).toEqual([
          { day: kept, scope: 'media:read', count: 2 },
        ]);
        expect((await store.usage.get('i1'))['media:read']).toEqual({
          count: 7,
          last: `${kept}T00:00:00.000Z`,
        });
      });
    });

    describe('oidc adapter', () => {
      const token = (grantId: string, extra: Record<string, unknown> = {}) => ({
        jti: `jti-${grantId}`,
        kind: 'AccessToken',
        grantId,
        accountId: 'm_1',
        clientId: 'app-a',
        scope: 'content:read',
        iat: 1_700_000_000,
        exp: 1_700_003_600,
        resource: ['http://localhost:8080'],
        extra: {},
        ...extra,
      });

      it('upserts and finds a record per model', async () => {
        const at = store.oidcAdapter('AccessToken');
        await at.upsert('t1', token('g1'), 3600);
        expect(await at.find('t1')).toEqual(token('g1'));
        expect(await at.find('t2')).toBeUndefined();
        expect(await store.oidcAdapter('RefreshToken').find('t1')).toBeUndefined();
      });

      it('replaces the whole record on a second upsert (consumed included)', async () => {
        const rt = store.oidcAdapter('RefreshToken');
        await rt.upsert('r1', token('g1'), 3600);
        await rt.consume('r1');
        await rt.upsert('r1', token('g1', { scope: 'content:write' }), 3600);
        expect(await rt.find('r1')).toEqual(token('g1', { scope: 'content:write' }));
      });

      it('expires records after expiresIn seconds, and their uid/user-code pointers', async () => {
        const clock = useClock(store);
        await store.oidcAdapter('AccessToken').upsert('t1', token('g1'), 1);
        await store.oidcAdapter('Session').upsert('s1', { uid: 'u1', accountId: 'm_1' }, 1);
        await store.oidcAdapter('DeviceCode').upsert('d1', { userCode: 'ABCD' }, 1);
        await store.oidcAdapter('Grant').upsert('g9', { accountId: 'm_1' }, 60);
        expect(await store.oidcAdapter('AccessToken').find('t1')).toBeDefined();
        await clock.advance(1100);
        expect(await store.oidcAdapter('AccessToken').find('t1')).toBeUndefined();
        expect(await store.oidcAdapter('Session').findByUid('u1')).toBeUndefined();
        expect(await store.oidcAdapter('DeviceCode').findByUserCode('ABCD')).toBeUndefined();
        expect(await store.oidcAdapter('Grant').find('g9')).toEqual({ accountId: 'm_1' });
      });

      it('consume sets consumed to the epoch seconds and keeps the payload', async () => {
        const code = store.oidcAdapter('AuthorizationCode');
        await code.upsert('c1', token('g1', { kind: 'AuthorizationCode' }), 60);
        const before = epochSeconds();
        await code.consume('c1');
        const found = await code.find('c1');
        expect(found).toMatchObject(token('g1', { kind: 'AuthorizationCode' }));
        expect(found?.consumed).toBeGreaterThanOrEqual(before);
        expect(found?.consumed).toBeLessThanOrEqual(epochSeconds());
        await code.consume('missing');
        expect(await code.find('missing')).toBeUndefined();
      });

      it('treats PushedAuthorizationRequest as consumable', async () => {
        const par = store.oidcAdapter('PushedAuthorizationRequest');
        await par.upsert('p1', { kind: 'PushedAuthorizationRequest', request: 'eyJ...' }, 60);
        await par.consume('p1');
        const found = await par.find('p1');
        expect(found?.consumed).toBeTypeOf('number');
        expect(found?.request).toBe('eyJ...');
      });

      it('finds a session by uid and a device code by user code', async () => {
        await store.oidcAdapter('Session').upsert('s1', { uid: 'u1', accountId: 'm_1' }, 60);
        await store.oidcAdapter('DeviceCode').upsert('d1', { userCode: 'WXYZ', grantId: 'g1' }, 60);
        expect(await store.oidcAdapter('Session').findByUid('u1')).toEqual({
          uid: 'u1',
          accountId: 'm_1',
        });
        expect(await store.oidcAdapter('Session').findByUid('u2')).toBeUndefined();
        expect(await store.oidcAdapter('DeviceCode').findByUserCode('WXYZ')).toEqual({
          userCode: 'WXYZ',
          grantId: 'g1',
        });
        expect(await store.oidcAdapter('DeviceCode').findByUserCode('NOPE')).toBeUndefined();
      });

      it('destroys a record', async () => {
        const grant = store.oidcAdapter('Grant');
        await grant.upsert('g1', { accountId: 'm_1', clientId: 'app-a' }, 60);
        await grant.destroy('g1');
        expect(await grant.find('g1')).toBeUndefined();
        await grant.destroy('never-there');
      });

      it("revokeByGrantId deletes every model's records of that grant only", async () => {
        const at = store.oidcAdapter('AccessToken');
        const rt = store.oidcAdapter('RefreshToken');
        const code = store.oidcAdapter('AuthorizationCode');
        const grant = store.oidcAdapter('Grant');
        await grant.upsert('g1', { accountId: 'm_1' }, 600);
        await at.upsert('at1', token('g1'), 60);
        await rt.upsert('rt1', token('g1'), 600);
        await code.upsert('c1', token('g1'), 10);
        await at.upsert('at2', token('g2'), 60);
        await rt.upsert('rt2', token('g2'), 600);

        await at.revokeByGrantId('g1');
        expect(await at.find('at1')).toBeUndefined();
        expect(await rt.find('rt1')).toBeUndefined();
        expect(await code.find('c1')).toBeUndefined();
        expect(await at.find('at2')).toEqual(token('g2'));
        expect(await rt.find('rt2')).toEqual(token('g2'));
        // The Grant record is destroyed separately (as oidc-provider and the revoke service do).
        expect(await grant.find('g1')).toEqual({ accountId: 'm_1' });
      });

      it('revokeByGrantId through every model at once, as the revoke service does', async () => {
        const models = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode'];
        for (const model of models) {
          await store.oidcAdapter(model).upsert(`${model}-1`, token('g1'), 60);
        }
        await Promise.all(models.map((model) => store.oidcAdapter(model).revokeByGrantId('g1')));
        for (const model of models) {
          expect(await store.oidcAdapter(model).find(`${model}-1`)).toBeUndefined();
        }
        await store.oidcAdapter('AccessToken').upsert('later', token('g1'), 60);
        expect(await store.oidcAdapter('AccessToken').find('later')).toEqual(token('g1'));
      });
    });
  });
}
