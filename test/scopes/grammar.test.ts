// The scope grammar: `resource:action`, read or write, nothing else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isResource,
  isScope,
  isWriteScope,
  parseScope,
  readScopeOf,
  scopeOf,
} from '../../src/scopes/index.ts';
import { malformedScope, validScope } from './arbitraries.ts';

describe('parseScope', () => {
  it('splits resource and action', () => {
    expect(parseScope('content:read')).toEqual({ resource: 'content', action: 'read' });
    expect(parseScope('leads:write')).toEqual({ resource: 'leads', action: 'write' });
    expect(parseScope('a_b-9:read')).toEqual({ resource: 'a_b-9', action: 'read' });
    expect(parseScope(`${'a'.repeat(32)}:write`)?.resource).toHaveLength(32);
  });

  it.each([
    '',
    '*',
    'content',
    'content:*',
    '*:read',
    'content:admin',
    'Content:read',
    'content:Read',
    'content:read:write',
    ' content:read',
    'content:read\n',
    '9lives:read',
    '_x:read',
    `${'a'.repeat(33)}:read`,
    'content.read',
  ])('refuses %j', (s) => {
    expect(parseScope(s)).toBeUndefined();
    expect(isScope(s)).toBe(false);
  });

  it('round-trips every well-formed scope through scopeOf', () => {
    fc.assert(
      fc.property(validScope, (s) => {
        const p = parseScope(s);
        expect(p && scopeOf(p.resource, p.action)).toBe(s);
        expect(p && isResource(p.resource)).toBe(true);
      }),
    );
  });

  it('parses nothing malformed', () => {
    fc.assert(fc.property(malformedScope, (s) => parseScope(s) === undefined && !isScope(s)));
  });
});

describe('write scopes and their read counterpart', () => {
  it('tells write scopes and maps them to the read scope of the same resource', () => {
    expect(isWriteScope('content:write')).toBe(true);
    expect(isWriteScope('content:read')).toBe(false);
    expect(isWriteScope('content:admin')).toBe(false);
    expect(readScopeOf('leads:write')).toBe('leads:read');
    expect(readScopeOf('leads:read')).toBe('leads:read');
    expect(readScopeOf('not a scope')).toBe('not a scope');
  });
});
