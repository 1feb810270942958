// Terminal layouts: aligned tables and label/value blocks, "-" for empty values.
import { expect, it } from 'vitest';
import { fields, table } from '../../src/cli/format.ts';

it('aligns table columns and leaves no trailing spaces', () => {
  expect(
    table(
      ['id', 'scopes', 'revoked_at'],
      [
        ['a', ['content:read', 'leads:write'], null],
        ['longer-id', [], '2026-01-01'],
      ],
    ),
  ).toBe(
    [
      'ID         SCOPES                    REVOKED_AT',
      'a          content:read,leads:write  -',
      'longer-id  -                         2026-01-01',
    ].join('\n'),
  );
});

it('aligns label/value blocks and continues lists on further lines', () => {
  expect(
    fields([
      ['client_id', 'x'],
      ['redirect_uris', ['https://a.test/cb', 'https://b.test/cb']],
      ['webhook_url', undefined],
    ]),
  ).toBe(
    [
      'client_id      x',
      'redirect_uris  https://a.test/cb',
      '               https://b.test/cb',
      'webhook_url    -',
    ].join('\n'),
  );
});
