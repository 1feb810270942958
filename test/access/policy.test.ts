// The access policy, example by example: one row per state and per rule (the same rows as
// the README's table), then the edges, the precedence of the rules and the credential
// detector's true and false positives.
import { describe, expect, it } from 'vitest';
import { credentialMentions, credentialPhrase } from '../../src/access/credentials.ts';
import { decideAccess, type PolicyInput } from '../../src/access/policy.ts';
import type { AccessDecision } from '../../src/access/types.ts';
import { buildCatalogue } from '../../src/scopes/index.ts';
import { flow, input, inst, manifest, revoked, task } from './policy-fixtures.ts';

const T0 = '2026-02-01T10:00:00.000Z';
const T1 = '2026-03-01T10:00:00.000Z';
const T2 = '2026-04-01T10:00:00.000Z';

interface Row {
  name: string;
  input: PolicyInput;
  expected: Partial<AccessDecision>;
}

const ready = { fallback: null, rejected_scopes: [], narrower_scopes: null };
const fallback = (instructions = task().instructions) => ({
  fallback: { mode: 'ticket-only' as const, instructions },
});

const rows: Row[] = [
  {
    name: 'rule 7, ticket_only_ready: nothing required',
    input: input({ task: task({ required_scopes: [] }) }),
    expected: {
      remediation_access_mode: 'ticket-only',
      state: 'ticket_only_ready',
      required_scopes: [],
      approved_scope: null,
      installation: null,
      revoked_at: null,
      revoke_path_visible: false,
      ...ready,
    },
  },
  {
    name: 'rule 10, read_only_ready: reads, approved exactly',
    input: input({ installations: [inst('g1', ['content:read'])] }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'read_only_ready',
      required_scopes: ['content:read'],
      approved_scope: ['content:read'],
      installation: 'g1',
      revoked_at: null,
      revoke_path_visible: true,
      ...ready,
    },
  },
  {
    name: 'rule 10, review_only_ready: a write staged, the review-only approval holds exactly it',
    input: input({
      task: task({ required_scopes: ['content:read', 'content:write'] }),
      installations: [inst('g1', ['content:write'], { access_mode: 'review-only' })],
    }),
    expected: {
      remediation_access_mode: 'review-only',
      state: 'review_only_ready',
      required_scopes: ['content:write'],
      approved_scope: ['content:write'],
      installation: 'g1',
      revoke_path_visible: true,
      ...ready,
    },
  },
  {
    name: 'rule 9, missing_approval: a connected approval does not carry review-only work',
    input: input({
      task: task({ required_scopes: ['content:write'] }),
      installations: [inst('g1', ['content:write'])],
    }),
    expected: {
      remediation_access_mode: 'review-only',
      state: 'missing_approval',
      approved_scope: null,
      installation: 'g1',
      revoke_path_visible: false,
    },
  },
  {
    name: 'rule 10, connected_scope_approved: a write with a reason it cannot be staged',
    input: input({
      task: task({
        provider: 'gtm',
        required_scopes: ['content:write'],
        needs_live_write: { reason: 'the container must be published to take effect' },
      }),
      installations: [inst('g1', ['content:write', 'content:read'])],
    }),
    expected: {
      remediation_access_mode: 'connected',
      state: 'connected_scope_approved',
      approved_scope: ['content:write'],
      installation: 'g1',
      revoke_path_visible: true,
      ...ready,
    },
  },
  {
    name: 'rule 2, credential_request: the instructions ask for a password',
    input: input({
      task: task({ instructions: 'Send us your admin password and we will fix it.' }),
      installations: [inst('g1', ['content:read'])],
    }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'credential_request',
      approved_scope: null,
      installation: 'g1',
      revoke_path_visible: false,
      rejected_scopes: [],
      narrower_scopes: null,
      ...fallback('Send us your admin password and we will fix it.'),
    },
  },
  {
    name: 'rule 3, unsupported_provider',
    input: input({ task: task({ provider: 'magento' }) }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'unsupported_provider',
      rejected_scopes: [],
      approved_scope: null,
      ...fallback(),
    },
  },
  {
    name: 'rule 4, scope_too_broad: the app requests more than required',
    input: input({ task: task({ requested_scopes: ['content:write', 'media:read'] }) }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'scope_too_broad',
      rejected_scopes: [
        { scope: 'content:write', reason: 'requested; the task needs only content:read' },
        { scope: 'media:read', reason: 'requested; the task needs only content:read' },
      ],
      narrower_scopes: ['content:read'],
      approved_scope: null,
      ...fallback(),
    },
  },
  {
    name: 'rule 4, scope_too_broad: the live approval is broader than required',
    input: input({ installations: [inst('g1', ['content:write', 'media:read'])] }),
    expected: {
      state: 'scope_too_broad',
      rejected_scopes: [
        {
          scope: 'content:write',
          reason: 'approved on installation g1; the task needs only content:read',
        },
        {
          scope: 'media:read',
          reason: 'approved on installation g1; the task needs only content:read',
        },
      ],
      narrower_scopes: ['content:read'],
      approved_scope: null,
      installation: 'g1',
      revoke_path_visible: false,
      ...fallback(),
    },
  },
  {
    name: 'rules 1 and 4, scope_too_broad: a diagnostic never needs writes',
    input: input({ task: task({ kind: 'diagnostic', required_scopes: ['content:write'] }) }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'scope_too_broad',
      required_scopes: ['content:write'],
      rejected_scopes: [
        {
          scope: 'content:write',
          reason: 'a diagnostic task only inspects: content:read is enough',
        },
      ],
      narrower_scopes: ['content:read'],
      ...fallback(),
    },
  },
  {
    name: 'rule 5, customer_data_requested: leads without an approved flow',
    input: input({
      task: task({ required_scopes: ['leads:read'], data_purpose: 'fix lead form validation' }),
      installations: [inst('g1', ['leads:read'])],
    }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'customer_data_requested',
      rejected_scopes: [
        {
          scope: 'leads:read',
          reason:
            'no operator-approved data flow for app "agency-app" and purpose "fix lead form validation"',
        },
      ],
      narrower_scopes: null,
      approved_scope: null,
      ...fallback(),
    },
  },
  {
    name: 'rule 5 passes, read_only_ready: leads through the approved flow for this purpose',
    input: input({
      task: task({ required_scopes: ['leads:read'], data_purpose: ' fix lead form validation ' }),
      dataFlows: [flow()],
      installations: [inst('g1', ['leads:read'])],
    }),
    expected: { state: 'read_only_ready', approved_scope: ['leads:read'], ...ready },
  },
  {
    name: 'rule 6, missing_approval: a scope the manifest does not declare',
    input: input({
      task: task({
        required_scopes: ['payments:write'],
        data_purpose: 'refund a test order',
      }),
      dataFlows: [flow({ scopes: ['payments:write'], purpose: 'refund a test order' })],
    }),
    expected: {
      remediation_access_mode: 'review-only',
      state: 'missing_approval',
      rejected_scopes: [
        { scope: 'payments:write', reason: 'not declared in the manifest of app "agency-app"' },
      ],
      narrower_scopes: null,
      ...fallback(),
    },
  },
  {
    name: 'rule 6, missing_approval: an unknown app',
    input: input({ manifest: undefined }),
    expected: {
      state: 'missing_approval',
      rejected_scopes: [{ scope: 'content:read', reason: 'app "agency-app" is not registered' }],
      ...fallback(),
    },
  },
  {
    name: 'rule 6, missing_approval: scopes outside the catalogue, malformed ones named too',
    input: input({ task: task({ required_scopes: ['orders:read', 'content:admin'] }) }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'missing_approval',
      required_scopes: ['orders:read'],
      rejected_scopes: [
        {
          scope: 'content:admin',
          reason: 'not a scope (expected resource:read or resource:write)',
        },
        { scope: 'orders:read', reason: 'not in the scope catalogue' },
      ],
      ...fallback(),
    },
  },
  {
    name: 'rule 7, ticket_only_ready: a revoked installation is still reported',
    input: input({
      task: task({ required_scopes: [] }),
      installations: [revoked('g1', ['content:read'], T1)],
    }),
    expected: {
      state: 'ticket_only_ready',
      approved_scope: null,
      installation: 'g1',
      revoked_at: T1,
      revoke_path_visible: false,
      ...ready,
    },
  },
  {
    name: 'rule 8, revoked_access: the only installation was revoked',
    input: input({ installations: [revoked('g1', ['content:read'], T1)] }),
    expected: {
      remediation_access_mode: 'read-only',
      state: 'revoked_access',
      approved_scope: null,
      installation: 'g1',
      revoked_at: T1,
      revoke_path_visible: false,
      rejected_scopes: [],
      ...fallback(),
    },
  },
  {
    name: 'rule 9, missing_approval: never installed',
    input: input(),
    expected: {
      state: 'missing_approval',
      installation: null,
      revoked_at: null,
      rejected_scopes: [],
      ...fallback(),
    },
  },
  {
    name: 'rule 9, missing_approval: the live approval covers only part of the task',
    input: input({
      task: task({ required_scopes: ['content:read', 'media:read'] }),
      installations: [inst('g1', ['content:read'])],
    }),
    expected: {
      state: 'missing_approval',
      installation: 'g1',
      approved_scope: null,
      ...fallback(),
    },
  },
  {
    name: 'rule 9, missing_approval: the approval is review-only but the task must act directly',
    input: input({
      task: task({ required_scopes: ['content:write'], needs_live_write: { reason: 'live' } }),
      installations: [inst('g1', ['content:write'], { access_mode: 'review-only' })],
    }),
    expected: {
      remediation_access_mode: 'connected',
      state: 'missing_approval',
      approved_scope: null,
      ...fallback(),
    },
  },
];

describe('decideAccess: one row per state and rule', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const decision = decideAccess(row.input);
    expect(decision).toMatchObject(row.expected);
    expect(decision.revoke_path_visible).toBe(decision.approved_scope !== null);
  });

  it('covers every state', () => {
    const states = new Set(rows.map((r) => decideAccess(r.input).state));
    expect([...states].sort()).toEqual(
      [
        'connected_scope_approved',
        'credential_request',
        'customer_data_requested',
        'missing_approval',
        'read_only_ready',
        'review_only_ready',
        'revoked_access',
        'scope_too_broad',
        'ticket_only_ready',
        'unsupported_provider',
      ].sort(),
    );
  });
});

describe('decideAccess: modes', () => {
  const modeOf = (fields: Parameters<typeof task>[0]) =>
    decideAccess(input({ task: task(fields) })).remediation_access_mode;

  it('a write without a reason is review-only; a blank reason is no reason', () => {
    expect(modeOf({ required_scopes: ['content:write'] })).toBe('review-only');
    expect(
      modeOf({ required_scopes: ['content:write'], needs_live_write: { reason: ' \t ' } }),
    ).toBe('review-only');
    expect(
      modeOf({ required_scopes: ['content:write'], needs_live_write: { reason: 'publish' } }),
    ).toBe('connected');
  });

  it('a live-write reason does not raise a task that only reads', () => {
    expect(
      modeOf({ required_scopes: ['content:read'], needs_live_write: { reason: 'publish' } }),
    ).toBe('read-only');
  });

  it('a retest, like a diagnostic, is narrowed to reads even with a live-write reason', () => {
    const decision = decideAccess(
      input({
        task: task({
          kind: 'retest',
          required_scopes: ['content:write', 'media:read'],
          needs_live_write: { reason: 'publish' },
        }),
      }),
    );
    expect(decision).toMatchObject({
      remediation_access_mode: 'read-only',
      state: 'scope_too_broad',
      required_scopes: ['content:write', 'media:read'],
      rejected_scopes: [
        { scope: 'content:write', reason: 'a retest task only inspects: content:read is enough' },
      ],
      narrower_scopes: ['content:read', 'media:read'],
    });
  });

  it('a diagnostic asking for reads only is ready on a read approval', () => {
    const decision = decideAccess(
      input({
        task: task({ kind: 'diagnostic', required_scopes: ['content:read'] }),
        installations: [inst('g1', ['content:read'])],
      }),
    );
    expect(decision.state).toBe('read_only_ready');
  });

  it('a read approval never carries a write task', () => {
    const decision = decideAccess(
      input({
        task: task({ required_scopes: ['content:write'] }),
        installations: [inst('g1', ['content:read'])],
      }),
    );
    expect(decision).toMatchObject({ state: 'missing_approval', approved_scope: null });
  });
});

describe('decideAccess: installations', () => {
  it('revoked then re-approved: ready on the new approval, no revoked_at', () => {
    const installations = [
      revoked('g1', ['content:read'], T1, { approved_at: T0 }),
      inst('g2', ['content:read'], { approved_at: T2 }),
    ];
    for (const list of [installations, [...installations].reverse()]) {
      expect(decideAccess(input({ installations: list }))).toMatchObject({
        state: 'read_only_ready',
        installation: 'g2',
        revoked_at: null,
        approved_scope: ['content:read'],
      });
    }
  });

  it('an older live approval still speaks when a newer one was revoked', () => {
    const decision = decideAccess(
      input({
        installations: [
          revoked('g2', ['content:read'], T2, { approved_at: T1 }),
          inst('g1', ['content:read'], { approved_at: T0 }),
        ],
      }),
    );
    expect(decision).toMatchObject({
      state: 'read_only_ready',
      installation: 'g1',
      revoked_at: null,
    });
  });

  it('several revoked: the newest one is reported, whatever the order', () => {
    const a = revoked('g1', ['content:read'], T1, { approved_at: T0 });
    const b = revoked('g2', ['content:read'], T2, { approved_at: T1 });
    for (const list of [
      [a, b],
      [b, a],
    ]) {
      expect(decideAccess(input({ installations: list }))).toMatchObject({
        state: 'revoked_access',
        installation: 'g2',
        revoked_at: T2,
      });
    }
  });

  it('several live: the newest approval decides, ties broken by id, whatever the order', () => {
    const older = inst('g1', ['content:write'], { approved_at: T0 });
    const newer = inst('g2', ['content:read'], { approved_at: T1 });
    const tieA = inst('g3', ['content:read'], { approved_at: T2 });
    const tieB = inst('g4', ['content:write'], { approved_at: T2 });
    for (const list of [
      [older, newer],
      [newer, older],
    ]) {
      expect(decideAccess(input({ installations: list }))).toMatchObject({
        state: 'read_only_ready',
        installation: 'g2',
      });
    }
    for (const list of [
      [tieA, tieB, older],
      [older, tieB, tieA],
    ]) {
      expect(decideAccess(input({ installations: list }))).toMatchObject({
        state: 'scope_too_broad',
        installation: 'g4',
      });
    }
  });

  it("ignores another app's installations", () => {
    const other = inst('x1', ['content:read'], { app: 'other-app' });
    expect(decideAccess(input({ installations: [other] }))).toMatchObject({
      state: 'missing_approval',
      installation: null,
    });
  });

  it('a ticket-only task uses no installation, so a broad one does not block it', () => {
    const decision = decideAccess(
      input({
        task: task({ required_scopes: [] }),
        installations: [inst('g1', ['content:write', 'media:write'])],
      }),
    );
    expect(decision).toMatchObject({
      state: 'ticket_only_ready',
      approved_scope: null,
      installation: 'g1',
      revoke_path_visible: false,
    });
  });

  it('but a ticket-only task whose app requests scopes is too broad', () => {
    const decision = decideAccess(
      input({ task: task({ required_scopes: [], requested_scopes: ['content:read'] }) }),
    );
    expect(decision).toMatchObject({
      state: 'scope_too_broad',
      rejected_scopes: [
        { scope: 'content:read', reason: 'requested; the task needs no access (ticket-only)' },
      ],
      narrower_scopes: [],
    });
  });
});

describe('decideAccess: customer data', () => {
  const leadsTask = (fields: Parameters<typeof task>[0] = {}) =>
    task({ required_scopes: ['leads:read'], data_purpose: 'fix lead form validation', ...fields });
  const decide = (fields: Partial<PolicyInput>) =>
    decideAccess(
      input({ task: leadsTask(), installations: [inst('g1', ['leads:read'])], ...fields }),
    );

  it("a flow for another app or another purpose doesn't count", () => {
    for (const f of [flow({ app: 'other-app' }), flow({ purpose: 'export leads to a CRM' })]) {
      expect(decide({ dataFlows: [f] }).state).toBe('customer_data_requested');
    }
  });

  it('a flow with read only does not allow a write', () => {
    const decision = decide({
      task: leadsTask({ required_scopes: ['leads:write'] }),
      installations: [inst('g1', ['leads:write'])],
      dataFlows: [flow({ scopes: ['leads:read'] })],
    });
    expect(decision).toMatchObject({
      state: 'customer_data_requested',
      rejected_scopes: [
        {
          scope: 'leads:write',
          reason:
            'the approved data flow for purpose "fix lead form validation" does not include leads:write',
        },
      ],
    });
  });

  it('a flow holding write allows the read (write ⇒ read)', () => {
    expect(decide({ dataFlows: [flow({ scopes: ['leads:write'] })] }).state).toBe(
      'read_only_ready',
    );
  });

  it('no purpose: no flow can match', () => {
    const decision = decide({ task: leadsTask({ data_purpose: '  ' }), dataFlows: [flow()] });
    expect(decision.rejected_scopes).toEqual([
      {
        scope: 'leads:read',
        reason: 'customer data needs a data_purpose and an approved data flow',
      },
    ]);
  });

  it('one flow must hold all the customer data; two halves do not', () => {
    const decision = decide({
      task: leadsTask({ required_scopes: ['leads:read', 'payments:read'] }),
      installations: [inst('g1', ['leads:read', 'payments:read'])],
      dataFlows: [
        flow({ id: 'f1', scopes: ['leads:read'] }),
        flow({ id: 'f2', scopes: ['payments:read'] }),
      ],
    });
    expect(decision.state).toBe('customer_data_requested');
    expect(decision.rejected_scopes.map((r) => r.scope)).toEqual(['leads:read', 'payments:read']);
    expect(decision.rejected_scopes[0]?.reason).toMatch(/no single approved data flow/);
  });

  it('a resource the catalogue flags sensitive is customer data too', () => {
    const built = buildCatalogue({
      scopes: [
        { scope: 'content:read', description: 'Read content.' },
        { scope: 'orders:read', description: 'Read orders.', sensitive: 'customer_data' },
      ],
    });
    if (!built.ok) throw new Error('catalogue');
    const decision = decideAccess(
      input({
        catalogue: built.catalogue,
        manifest: {
          ...manifest,
          auth: { ...manifest.auth, scopes: ['orders:read'], optional_scopes: [] },
        },
        task: task({ required_scopes: ['orders:read'] }),
        installations: [inst('g1', ['orders:read'])],
      }),
    );
    expect(decision.state).toBe('customer_data_requested');
  });
});

describe('decideAccess: providers and precedence', () => {
  it('compares providers case-insensitively and trimmed', () => {
    for (const provider of ['WordPress', ' Shopify ', 'GTM', 'cmp']) {
      const decision = decideAccess(
        input({ task: task({ provider }), installations: [inst('g1', ['content:read'])] }),
      );
      expect(decision.state, provider).toBe('read_only_ready');
    }
    expect(decideAccess(input({ task: task({ provider: '' }) })).state).toBe(
      'unsupported_provider',
    );
    expect(
      decideAccess(input({ task: task({ provider: 'magento' }), providers: ['Magento'] })).state,
    ).toBe('missing_approval');
  });

  it('applies the blocking rules in order: each one removed reveals the next', () => {
    // A task that breaks every rule at once, then repaired one rule at a time.
    const steps: [PolicyInput, string][] = [];
    const broken = {
      instructions: 'Email us the FTP login.',
      provider: 'magento',
      requested_scopes: ['content:write', 'leads:read', 'payments:write'],
      required_scopes: ['leads:read', 'payments:write'],
    };
    steps.push([input({ task: task(broken) }), 'credential_request']);
    const safe = { ...broken, instructions: 'Fix the form.' };
    steps.push([input({ task: task(safe) }), 'unsupported_provider']);
    const supported = { ...safe, provider: 'woocommerce' };
    steps.push([input({ task: task(supported) }), 'scope_too_broad']);
    const exact = { ...supported, requested_scopes: ['leads:read', 'payments:write'] };
    steps.push([input({ task: task(exact) }), 'customer_data_requested']);
    const withFlow = {
      task: task({ ...exact, data_purpose: 'refunds' }),
      dataFlows: [flow({ scopes: ['leads:read', 'payments:write'], purpose: 'refunds' })],
    };
    steps.push([input(withFlow), 'missing_approval']);
    const declared = {
      ...withFlow,
      task: task({ ...withFlow.task, required_scopes: ['leads:read'], requested_scopes: [] }),
    };
    steps.push([
      input({ ...declared, installations: [revoked('g1', ['leads:read'], T1)] }),
      'revoked_access',
    ]);
    steps.push([input(declared), 'missing_approval']);
    steps.push([
      input({ ...declared, installations: [inst('g2', ['leads:read'])] }),
      'read_only_ready',
    ]);
    expect(steps.map(([i]) => decideAccess(i).state)).toEqual(steps.map(([, s]) => s));
  });

  it('a credential phrase in any field stops the task, naming the field', () => {
    const fields: [Parameters<typeof task>[0], string][] = [
      [{ target: '/wp-admin/options.php?page=api-keys' }, 'target'],
      [{ provider: 'wordpress password' }, 'provider'],
      [{ data_purpose: 'verify the client secret' }, 'data_purpose'],
      [{ needs_live_write: { reason: 'needs the bearer token' } }, 'needs_live_write.reason'],
      [{ required_scopes: ['api_keys:read'] }, 'required_scopes[0]'],
      [
        { requested_scopes: ['content:read', 'tokens:read', 'passwords:read'] },
        'requested_scopes[2]',
      ],
    ];
    for (const [fields_, field] of fields) {
      const t = task(fields_);
      expect(
        credentialMentions(t).map((m) => m.field),
        field,
      ).toEqual([field]);
      expect(decideAccess(input({ task: t })).state, field).toBe('credential_request');
    }
  });
});

describe('credential detector', () => {
  const positives = [
    'Send us your admin password',
    'share the WP admin login details',
    'we need your API key',
    'paste the apiKey here',
    'set SECRET_KEY in wp-config',
    'upload your SSH key',
    'attach id_rsa',
    'the private key of the TLS certificate',
    'the Shopify Admin API access token',
    'a refresh_token for the store',
    'Authorization: Bearer abc',
    "the app's client secret",
    'your credentials',
    'log-in info for the shop',
    'the 2FA code from your phone',
    'your passphrase',
    'FTP login and SFTP user',
    'the session cookie',
    'a JWT from the admin',
    'send your token',
    'your license key',
    'Password reset: send us the new password',
  ];
  const negatives = [
    'update the meta description',
    'fix the design tokens in theme.css',
    'add a CSRF token to the contact form',
    'the password field has no label',
    'Shopify password page is still enabled',
    'Forgot password link returns 404',
    'check your key landing pages',
    'add accesskey attributes to the menu',
    'keyword research for the blog',
    'the login page layout breaks on mobile',
    'add the Google site verification code to the head',
    'Secret Santa gift guide page is slow',
    'content:write',
    'tokenize colours into CSS variables',
  ];

  it.each(positives)('stops at %j', (text) => {
    expect(credentialPhrase(text)).toBeDefined();
  });

  it.each(negatives)('lets %j through', (text) => {
    expect(credentialPhrase(text)).toBeUndefined();
  });
});
