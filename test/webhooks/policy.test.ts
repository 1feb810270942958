// The pure decisions of webhook delivery: the retry schedule and its parser, Retry-After,
// the one shouldRetry predicate, who is entitled to an event, and the signature format.
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { StoredApp } from '../../src/store/types.ts';
import { shouldRetry, verdict } from '../../src/webhooks/decide.ts';
import { entitlement, INSTALLATION_REVOKED } from '../../src/webhooks/entitlement.ts';
import {
  attemptsAllowed,
  DEFAULT_RETRY_SCHEDULE,
  defaultRetrySchedule,
  parseRetryAfter,
  parseRetrySchedule,
  retryDelay,
  retrySchedule,
} from '../../src/webhooks/schedule.ts';
import type { SendOutcome } from '../../src/webhooks/send.ts';
import { signatureHeaders } from '../../src/webhooks/sign.ts';
import { installation } from '../store/fixtures.ts';

const outcome = (statusCode: number | null, retryAfterMs?: number): SendOutcome => ({
  statusCode,
  latencyMs: 1,
  error: statusCode === null ? 'ECONNREFUSED' : null,
  response: null,
  retryAfterMs,
});

describe('retry schedule', () => {
  it('parses WEBHOOK_RETRY_SCHEDULE; the default spans about a day', () => {
    const parsed = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
    expect(parsed).toEqual({
      ok: true,
      delaysMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
    });
    const total = defaultRetrySchedule().delaysMs.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(24);
    expect(total).toBeLessThan(30);
    expect(parseRetrySchedule(' 0.05, 0.1 ,1')).toEqual({ ok: true, delaysMs: [50, 100, 1000] });
  });

  it('refuses malformed schedules, naming the delay', () => {
    for (const bad of ['', '5,,10', '5,-1', '0', 'abc', '1e3', '700000', `${'1,'.repeat(21)}1`]) {
      const parsed = parseRetrySchedule(bad);
      expect(parsed.ok, bad).toBe(false);
    }
    expect(parseRetrySchedule('5,x')).toMatchObject({ ok: false, message: /delay 2/ });
  });

  it('jitters within bounds and never retries before a Retry-After (within its cap)', () => {
    const s = retrySchedule([1000, 2000], { jitter: 0.2, maxRetryAfterMs: 5000 });
    expect(attemptsAllowed(s)).toBe(3);
    for (let i = 0; i < 200; i++) {
      const d = retryDelay(s, 1, undefined);
      expect(d).toBeGreaterThanOrEqual(800);
      expect(d).toBeLessThanOrEqual(1200);
    }
    expect(retryDelay(s, 2, undefined, () => 0.5)).toBe(2000);
    expect(retryDelay(s, 1, 3000, () => 1)).toBe(3000);
    expect(retryDelay(s, 1, 3_600_000, () => 0)).toBe(5000);
    expect(retryDelay(s, 2, 10, () => 0.5)).toBe(2000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('shouldRetry and the verdict', () => {
  const s = retrySchedule([10, 20], { jitter: 0 });

  it('retries failures while the round has attempts left', () => {
    for (const code of [null, 301, 400, 404, 429, 500, 503]) {
      expect(shouldRetry(outcome(code), 1, s)).toBe(true);
      expect(shouldRetry(outcome(code), 2, s)).toBe(true);
      expect(shouldRetry(outcome(code), 3, s)).toBe(false);
    }
    expect(verdict(outcome(500), 2, s)).toEqual({ status: 'retrying', delayMs: 20 });
    expect(verdict(outcome(500), 3, s)).toEqual({
      status: 'dead',
      reason: '3 attempts failed; last: HTTP 500',
    });
    expect(verdict(outcome(null), 3, s)).toMatchObject({ reason: /last: ECONNREFUSED/ });
  });

  it('stops on 2xx and on 410', () => {
    for (const code of [200, 201, 204, 299]) {
      expect(shouldRetry(outcome(code), 1, s)).toBe(false);
      expect(verdict(outcome(code), 1, s)).toEqual({ status: 'delivered' });
    }
    expect(shouldRetry(outcome(410), 1, s)).toBe(false);
    expect(verdict(outcome(410), 1, s)).toMatchObject({ status: 'gone' });
  });
});

describe('entitlement', () => {
  const app: StoredApp = {
    id: 'a',
    manifest: {
      uuid: 'a',
      name: 'A',
      auth: {
        scopes: ['content:write', 'leads:read'],
        optional_scopes: ['leads:read'],
        redirect_uris: ['https://a.example/cb'],
        client_type: 'confidential',
      },
      webhooks: { url: 'https://a.example/hooks', topics: ['content/updated', 'leads/created'] },
    },
    clientSecret: null,
    webhookSecrets: [],
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const inst = installation('g', { app: 'a', site: 's', merchant: 'm' });
  const withScopes = (scopes: string[]) => ({
    ...inst,
    approved_scope: { ...inst.approved_scope, scopes },
  });
  const revoked = { ...inst, revoked_at: '2026-02-02T00:00:00.000Z' };

  it('needs read on the resource (write implies read) and a subscription', () => {
    expect(entitlement(withScopes(['content:read']), app, 'content/updated', undefined).ok).toBe(
      true,
    );
    expect(entitlement(withScopes(['content:write']), app, 'content/updated', undefined).ok).toBe(
      true,
    );
    expect(entitlement(withScopes(['content:write']), app, 'leads/created', undefined)).toEqual({
      ok: false,
      reason: 'approved scopes do not read leads',
    });
    expect(entitlement(withScopes(['leads:read']), app, 'leads/created', undefined).ok).toBe(true);
    expect(entitlement(withScopes(['content:read']), app, 'content/deleted', undefined)).toEqual({
      ok: false,
      reason: 'app not subscribed to content/deleted',
    });
  });

  it('sends nothing to a revoked installation but its own installation/revoked', () => {
    expect(entitlement(revoked, app, 'content/updated', undefined)).toEqual({
      ok: false,
      reason: 'installation revoked',
    });
    expect(entitlement(revoked, app, INSTALLATION_REVOKED, undefined).ok).toBe(true);
    expect(entitlement(inst, app, INSTALLATION_REVOKED, undefined).ok).toBe(false);
    expect(entitlement(inst, { ...app, id: 'b' }, 'content/updated', undefined).ok).toBe(false);
  });

  it('honours a 410 marker until the app is registered again', () => {
    const marker = { url: 'https://a.example/hooks', at: '2026-01-05T00:00:00.000Z' };
    expect(entitlement(inst, app, 'content/updated', marker).ok).toBe(false);
    expect(entitlement(revoked, app, INSTALLATION_REVOKED, marker).ok).toBe(false);
    const reRegistered = { ...app, createdAt: '2026-01-06T00:00:00.000Z' };
    expect(entitlement(inst, reRegistered, 'content/updated', marker).ok).toBe(true);
    const moved = {
      ...app,
      manifest: {
        ...app.manifest,
        webhooks: { url: 'https://a.example/v2', topics: ['content/updated'] },
      },
    };
    expect(entitlement(inst, moved, 'content/updated', marker).ok).toBe(true);
  });
});

describe('signatures', () => {
  it('match the standardwebhooks reference implementation', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const at = new Date('2026-03-01T12:00:00Z');
    const body = '{"type":"content/updated"}';
    const headers = signatureHeaders([secret], 'msg_1', body, at);
    expect(headers['webhook-timestamp']).toBe(String(at.getTime() / 1000));
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('carry one v1 signature per secret, newest first', () => {
    const a = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const b = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
    const headers = signatureHeaders([a, b], 'msg_2', '{}');
    const [first, second] = headers['webhook-signature'].split(' ');
    expect(first).toMatch(/^v1,/);
    expect(second).toMatch(/^v1,/);
    expect(first).not.toBe(second);
    expect(() => signatureHeaders([], 'msg_3', '{}')).toThrow();
  });
});
