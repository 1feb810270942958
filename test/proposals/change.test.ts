// The pure pieces of review-only proposals: the write policy by access mode, the line
// diff, the merge patch, and what the merchant's page makes of a proposal's change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposalPage } from '../../src/pages/proposals.ts';
import { mergePatch, proposedChange } from '../../src/proposals/change.ts';
import { type DiffLine, lineDiff, MAX_CELLS } from '../../src/proposals/diff.ts';
import { type Proposal, pendingProposal } from '../../src/proposals/types.ts';
import { writeDecision } from '../../src/proposals/write-policy.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function proposal(fields: Partial<Proposal> = {}): Proposal {
  return {
    ...pendingProposal({
      id: 'prop_1',
      installation: 'g1',
      app: 'app-a',
      site: 's_1',
      merchant: 'm_1',
      scopes: ['content:write'],
      route: 'content-write',
      method: 'PUT',
      path: '/api/content/x',
      headers: { 'content-type': 'application/json' },
      body_base64: b64('{"b":2,"a":1}'),
      before: {
        state: 'current',
        status: 200,
        content_type: 'application/json',
        body_base64: b64('{"a":1,"b":1}'),
        truncated: false,
      },
      forwarded: { for: '127.0.0.1', host: 'gw', proto: 'http' },
      request_id: 'r1',
      created_at: '2026-02-01T10:00:00.000Z',
    }),
    ...fields,
  };
}

const sides = (lines: DiffLine[]) => ({
  before: lines.filter((l) => l.op !== 'add').map((l) => l.text),
  after: lines.filter((l) => l.op !== 'remove').map((l) => l.text),
});

describe('write policy', () => {
  it('forwards connected writes, stages review-only ones, refuses the rest', () => {
    expect(writeDecision('connected')).toEqual({ action: 'forward' });
    expect(writeDecision('review-only')).toEqual({ action: 'stage' });
    expect(writeDecision(undefined)).toMatchObject({
      action: 'refuse',
      error: 'access_mode_unknown',
    });
    for (const mode of ['read-only', 'ticket-only'] as const) {
      expect(writeDecision(mode)).toMatchObject({
        action: 'refuse',
        error: 'access_mode_forbids_write',
      });
    }
  });
});

describe('line diff', () => {
  it('rebuilds both sides and keeps the longest common part', () => {
    const lines = lineDiff(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e']);
    expect(lines).toEqual([
      { op: 'same', text: 'a' },
      { op: 'remove', text: 'b' },
      { op: 'add', text: 'x' },
      { op: 'same', text: 'c' },
      { op: 'same', text: 'd' },
      { op: 'add', text: 'e' },
    ]);
  });

  it('always rebuilds both sides, minimal in changes for small inputs', () => {
    const line = fc.constantFrom('a', 'b', 'c', '');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.array(line, { maxLength: 12 }), (a, b) => {
        const lines = lineDiff(a, b);
        expect(sides(lines)).toEqual({ before: a, after: b });
        const kept = lines.filter((l) => l.op === 'same').length;
        expect(kept).toBe(lcsLength(a, b));
      }),
    );
  });

  it('shows a middle too large to compare as removed then added', () => {
    const n = Math.ceil(Math.sqrt(MAX_CELLS)) + 1;
    const a = Array.from({ length: n }, (_, i) => `a${i}`);
    const b = Array.from({ length: n }, (_, i) => `b${i}`);
    const lines = lineDiff(['same', ...a], ['same', ...b]);
    expect(sides(lines)).toEqual({ before: ['same', ...a], after: ['same', ...b] });
    expect(lines.slice(1, n + 1).every((l) => l.op === 'remove')).toBe(true);
  });
});

function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = t[i] as number[];
      const next = t[i + 1] as number[];
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  return t[0]?.[0] ?? 0;
}

describe('merge patch (RFC 7386)', () => {
  it('replaces, removes with null, recurses into objects, replaces arrays', () => {
    expect(
      mergePatch({ a: 'b', c: { d: 'e', f: 'g' }, l: [1] }, { a: 'z', c: { f: null }, l: [2] }),
    ).toEqual({
      a: 'z',
      c: { d: 'e' },
      l: [2],
    });
    expect(mergePatch({ a: 1 }, ['x'])).toEqual(['x']);
    expect(mergePatch('text', { a: { b: null } })).toEqual({ a: {} });
  });

  it('treats __proto__ as a plain member', () => {
    const patched = mergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as object;
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(patched, '__proto__')).toBe(true);
  });
});

describe('proposed change', () => {
  it('compares pretty JSON with sorted keys, so key order is no change', () => {
    const change = proposedChange(proposal());
    expect(change.format).toBe('json');
    expect(change.lines.filter((l) => l.op !== 'same')).toEqual([
      { op: 'remove', text: '  "b": 1' },
      { op: 'add', text: '  "b": 2' },
    ]);
  });

  it('shows a POST as all new, a DELETE as all gone, text as text, binary not at all', () => {
    const post = proposedChange(
      proposal({ method: 'POST', before: { state: 'not_read', reason: 'a POST adds' } }),
    );
    expect(post.lines.every((l) => l.op === 'add')).toBe(true);
    expect(post.notes).toEqual(['Its current version was not read: a POST adds.']);

    const del = proposedChange(proposal({ method: 'DELETE', body_base64: '' }));
    expect(del.lines.filter((l) => l.op !== 'remove').map((l) => l.text)).toEqual([]);
    expect(del.notes).toContain('A DELETE removes the target.');

    const text = proposedChange(
      proposal({
        headers: { 'content-type': 'text/plain' },
        body_base64: b64('one\ntwo\n'),
        before: { state: 'absent' },
      }),
    );
    expect(text.format).toBe('text');
    expect(text.notes).toEqual(['The target does not exist on the platform yet.']);

    const binary = proposedChange(
      proposal({ body_base64: Buffer.from([0xff, 0xfe]).toString('base64') }),
    );
    expect(binary).toMatchObject({ format: 'binary', lines: [], afterBytes: 2 });
  });

  it('escapes everything on the page, the diff included', () => {
    const evil = '"><img src=x onerror=alert(1)>';
    const p = proposal({
      path: `/api/content/${encodeURIComponent(evil)}`,
      body_base64: b64(JSON.stringify({ t: evil })),
    });
    const page = proposalPage({
      merchantEmail: 'a@b.test',
      csrf: 'c',
      proposal: {
        id: p.id,
        appId: p.app,
        appName: evil,
        siteId: p.site,
        siteName: evil,
        method: p.method,
        path: p.path,
        createdAt: p.created_at,
        status: p.status,
        decidedAt: null,
        decidedBy: null,
        reason: evil,
        replay: null,
      },
      change: proposedChange(p),
    }).value;
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('action="/account/proposals/prop_1/approve"');
  });
});
