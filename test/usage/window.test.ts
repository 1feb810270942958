// The review window from `since`: durations count whole UTC days with today, ISO dates
// start at their UTC day, and every bad value is one problem on `since` saying why.
import { describe, expect, it } from 'vitest';
import { parseWindow } from '../../src/usage/window.ts';

const now = new Date('2026-11-23T11:07:10.000Z');

describe('parseWindow', () => {
  it.each([
    [undefined, '2026-10-25'],
    ['', '2026-10-25'],
    ['30d', '2026-10-25'],
    ['1d', '2026-11-23'],
    ['7d', '2026-11-17'],
    ['400d', '2025-10-20'],
    ['2026-11-01', '2026-11-01'],
    ['2026-11-23', '2026-11-23'],
    ['2026-11-01T23:30:00Z', '2026-11-01'],
    ['2026-11-02T00:30:00+02:00', '2026-11-01'],
    ['2026-11-01T10:00:00.123Z', '2026-11-01'],
    ['2025-10-20', '2025-10-20'],
  ])('since %j starts on %s', (since, from) => {
    const parsed = parseWindow(since, now);
    expect(parsed).toEqual({
      ok: true,
      window: {
        from,
        to: '2026-11-23',
        since: `${from}T00:00:00.000Z`,
        until: '2026-11-23T11:07:10.000Z',
      },
    });
  });

  it.each([
    ['0d', 'a duration must be 1-400 days, got 0d'],
    ['401d', 'a duration must be 1-400 days, got 401d'],
    ['30', 'expected a duration like 30d'],
    ['30 days', 'expected a duration like 30d'],
    ['-5d', 'expected a duration like 30d'],
    ['2026-02-30', 'expected a duration like 30d'],
    ['2026-13-01', 'expected a duration like 30d'],
    ['yesterday', 'expected a duration like 30d'],
    ['2026-11-24', '2026-11-24 is in the future'],
    ['2026-11-24T00:00:00Z', 'is in the future'],
    ['2025-10-19', 'is before 2025-10-20: daily usage is kept 400 days'],
  ])('refuses since %j', (since, message) => {
    const parsed = parseWindow(since, now);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem.path).toBe('since');
    expect(parsed.problem.message).toContain(message);
  });
});
