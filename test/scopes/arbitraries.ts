// Generators for scope property tests: a few resources so that sets overlap and write
// meets read often, plus malformed near-misses that must never grant anything.
import fc from 'fast-check';

export const RESOURCES = ['content', 'media', 'leads', 'pay_ments-2'] as const;

export const validScope = fc
  .tuple(fc.constantFrom(...RESOURCES), fc.constantFrom('read', 'write'))
  .map(([resource, action]) => `${resource}:${action}`);

export const malformedScope = fc.oneof(
  fc.constantFrom(
    '',
    '*',
    'content',
    'content:',
    ':read',
    'content:*',
    '*:read',
    'content:admin',
    'Content:read',
    'content:READ',
    ' content:read',
    'content:read ',
    'content:read:write',
    '1content:read',
    `${'a'.repeat(33)}:read`,
  ),
  fc.string().filter((s) => !/^[a-z][a-z0-9_-]{0,31}:(read|write)$/.test(s)),
);

export const anyScope = fc.oneof(
  { weight: 4, arbitrary: validScope },
  { weight: 1, arbitrary: malformedScope },
);
export const validScopes = fc.array(validScope, { maxLength: 8 });
export const anyScopes = fc.array(anyScope, { maxLength: 8 });
