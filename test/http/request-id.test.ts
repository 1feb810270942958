import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../../src/http/request-id.ts';

describe('requestIdOf', () => {
  it('keeps a well-formed client id and replaces anything else', () => {
    expect(requestIdOf('trace-1.a_b')).toBe('trace-1.a_b');
    for (const bad of [undefined, '', 'a b', 'x'.repeat(65), ['one', 'two'], 'id\r\nx: y']) {
      expect(requestIdOf(bad)).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('makes new ids that do not repeat, across batch refills', () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => requestIdOf(undefined)));
    expect(ids.size).toBe(2_000);
  });
});
