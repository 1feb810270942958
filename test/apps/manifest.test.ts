// app.json validation: every problem at once with its key path, against the SitePack
// catalogue, with webhook hosts resolved through a stub resolver.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ManifestContext, validateManifest } from '../../src/apps/manifest.ts';
import { sitepackCatalogue } from '../../src/scopes/index.ts';

const HOSTS: Record<string, string[]> = {
  'my-app.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example': ['10.0.0.7'],
  'split.example': ['93.184.216.34', '169.254.169.254'],
  'empty.example': [],
};

const lookups: string[] = [];
const lookup = async (host: string): Promise<string[]> => {
  lookups.push(host);
  const found = HOSTS[host];
  if (!found)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found;
};

const ctx: ManifestContext = {
  catalogue: sitepackCatalogue(),
  allowPrivateAddresses: false,
  lookup,
};
const devCtx: ManifestContext = { ...ctx, allowPrivateAddresses: true };

function app(
  overrides: { auth?: object; webhooks?: object | undefined; [key: string]: unknown } = {},
) {
  const { auth, webhooks, ...top } = overrides;
  const base: Record<string, unknown> = {
    uuid: 'my-app',
    name: 'My App',
    auth: {
      scopes: ['content:read', 'media:read', 'leads:write'],
      optional_scopes: ['media:read'],
      redirect_uris: ['https://my-app.example/callback'],
      client_type: 'confidential',
      ...auth,
    },
    webhooks: {
      url: 'https://my-app.example/webhooks',
      topics: ['content/updated', 'leads/created'],
      ...webhooks,
    },
    ...top,
  };
  if ('webhooks' in overrides && webhooks === undefined) delete base.webhooks;
  return base;
}

async function problemsOf(input: unknown, context = ctx) {
  const result = await validateManifest(input, context);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('a valid manifest', () => {
  it('is accepted as given (the DESIGN.md §3 example)', async () => {
    const result = await validateManifest(app(), ctx);
    expect(result).toEqual({ ok: true, manifest: app() });
  });

  it('gets optional_scopes [] and client_type confidential by default, name trimmed', async () => {
    const result = await validateManifest(
      {
        uuid: 'min',
        name: '  Minimal  ',
        auth: { scopes: ['content:read'], redirect_uris: ['http://localhost:5173/cb'] },
      },
      ctx,
    );
    expect(result).toEqual({
      ok: true,
      manifest: {
        uuid: 'min',
        name: 'Minimal',
        auth: {
          scopes: ['content:read'],
          optional_scopes: [],
          redirect_uris: ['http://localhost:5173/cb'],
          client_type: 'confidential',
        },
      },
    });
  });

  it('allows http redirects on every loopback name and a public client', async () => {
    const uris = [
      'http://localhost/cb',
      'http://127.0.0.1:8000/cb',
      'http://[::1]:3000/cb',
      'https://x.example/cb?a=1',
    ];
    const result = await validateManifest(
      app({ auth: { redirect_uris: uris, client_type: 'public' } }),
      ctx,
    );
    expect(result.ok).toBe(true);
  });

  it('lets a write scope cover a topic, and installation/revoked needs no scope', async () => {
    const result = await validateManifest(
      app({ webhooks: { topics: ['leads/created', 'leads/updated', 'installation/revoked'] } }),
      ctx,
    );
    expect(result.ok).toBe(true);
  });
});

describe('every problem at once', () => {
  it('reports all five problems of a manifest that has five', async () => {
    const problems = await problemsOf(
      app({
        uuid: 'My App!',
        auth: {
          scopes: ['content:read', 'orders:read', 'leads:write'],
          optional_scopes: ['media:write'],
          redirect_uris: ['http://my-app.example/callback'],
        },
        webhooks: { topics: ['content/updated', 'payments/captured'] },
      }),
    );
    expect(problems).toEqual([
      {
        path: 'uuid',
        message: 'must be 2-63 characters of a-z, 0-9 and "-", starting with a letter or digit',
      },
      { path: 'auth.scopes[1]', message: 'unknown scope "orders:read"' },
      {
        path: 'auth.redirect_uris[0]',
        message: 'must use https (http only for localhost, 127.0.0.1 or [::1])',
      },
      { path: 'auth.optional_scopes[0]', message: '"media:write" is not among auth.scopes' },
      {
        path: 'webhooks.topics[1]',
        message:
          'topic "payments/captured" needs payments:read or payments:write among auth.scopes',
      },
    ]);
  });

  it('reports shape problems together with the rules that can still be checked', async () => {
    const problems = await problemsOf({
      uuid: 7,
      auth: {
        scopes: ['content:read', 5],
        optional_scopes: ['nope:read'],
        redirect_uris: [],
        extra: 1,
      },
      webhooks: { url: 'https://internal.example/h', topics: ['leads/created'], secret: 'x' },
      version: 2,
    });
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'uuid: must be a string',
      'name: is required',
      'auth.scopes[1]: must be a string',
      'auth.redirect_uris: must name at least one redirect URI',
      'auth.extra: unknown key',
      'webhooks.secret: unknown key',
      'version: unknown key',
      'auth.optional_scopes[0]: "nope:read" is not among auth.scopes',
      'webhooks.topics[0]: topic "leads/created" needs leads:read or leads:write among auth.scopes',
      'webhooks.url: host "internal.example" resolves to a non-public address (10.0.0.7); webhooks must reach a public address',
    ]);
  });

  it('refuses what is not an object', async () => {
    for (const input of [null, [], 'app.json', 3]) {
      expect(await problemsOf(input)).toEqual([
        { path: '(root)', message: 'must be a JSON object' },
      ]);
    }
    expect(await problemsOf({ uuid: 'ok-app', name: 'x', auth: [] })).toEqual([
      { path: 'auth', message: 'must be an object' },
    ]);
  });

  it('never throws, and names a path for every problem, whatever the input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (input) => {
        const result = await validateManifest(input, ctx);
        if (!result.ok) for (const p of result.problems) expect(p.path.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('identity', () => {
  it.each([
    ['a', 'too short'],
    ['-app', 'leading dash'],
    ['App', 'upper case'],
    ['my_app', 'underscore'],
    ['a'.repeat(64), 'too long'],
  ])('refuses uuid %j (%s)', async (uuid) => {
    expect((await problemsOf(app({ uuid }))).map((p) => p.path)).toEqual(['uuid']);
  });

  it('refuses an empty, overlong or control-character name', async () => {
    expect(await problemsOf(app({ name: '   ' }))).toEqual([
      { path: 'name', message: 'must not be empty' },
    ]);
    expect(await problemsOf(app({ name: 'x'.repeat(101) }))).toEqual([
      { path: 'name', message: 'must be at most 100 characters' },
    ]);
    expect(await problemsOf(app({ name: 'Evil\u0007App' }))).toEqual([
      { path: 'name', message: 'must not contain control characters' },
    ]);
  });

  it('refuses an unknown client_type', async () => {
    expect(await problemsOf(app({ auth: { client_type: 'spa' } }))).toEqual([
      { path: 'auth.client_type', message: 'must be "public" or "confidential"' },
    ]);
  });
});

describe('scopes', () => {
  it('refuses malformed, unknown and repeated scopes, and an empty list', async () => {
    const problems = await problemsOf(
      app({
        auth: { scopes: ['content:*', 'content:read', 'shop:read', 'content:read', 'leads:write'] },
      }),
    );
    expect(problems).toEqual([
      {
        path: 'auth.scopes[0]',
        message: 'malformed scope "content:*" (expected resource:read or resource:write)',
      },
      { path: 'auth.scopes[2]', message: 'unknown scope "shop:read"' },
      { path: 'auth.scopes[3]', message: 'duplicate of auth.scopes[1]' },
      { path: 'auth.optional_scopes[0]', message: '"media:read" is not among auth.scopes' },
    ]);
    expect(await problemsOf(app({ auth: { scopes: [], optional_scopes: [] } }))).toEqual([
      { path: 'auth.scopes', message: 'must name at least one scope' },
      {
        path: 'webhooks.topics[0]',
        message: 'topic "content/updated" needs content:read or content:write among auth.scopes',
      },
      {
        path: 'webhooks.topics[1]',
        message: 'topic "leads/created" needs leads:read or leads:write among auth.scopes',
      },
    ]);
  });

  it('refuses an optional scope that a required one implies, and all-optional scopes', async () => {
    expect(
      await problemsOf(
        app({
          auth: {
            scopes: ['content:read', 'leads:write', 'leads:read'],
            optional_scopes: ['leads:read'],
          },
        }),
      ),
    ).toEqual([
      {
        path: 'auth.optional_scopes[0]',
        message: '"leads:read" cannot be optional: required "leads:write" implies it',
      },
    ]);
    expect(
      await problemsOf(
        app({
          auth: {
            scopes: ['content:read', 'leads:read'],
            optional_scopes: ['leads:read', 'content:read'],
          },
        }),
      ),
    ).toEqual([
      { path: 'auth.optional_scopes', message: 'at least one of auth.scopes must stay required' },
    ]);
  });

  it('refuses repeated optional scopes', async () => {
    expect(
      await problemsOf(app({ auth: { optional_scopes: ['media:read', 'media:read'] } })),
    ).toEqual([
      { path: 'auth.optional_scopes[1]', message: 'duplicate of auth.optional_scopes[0]' },
    ]);
  });
});

describe('redirect URIs', () => {
  it.each([
    ['http://my-app.example/cb', 'must use https (http only for localhost, 127.0.0.1 or [::1])'],
    [
      'http://localhost.evil.example/cb',
      'must use https (http only for localhost, 127.0.0.1 or [::1])',
    ],
    ['https://my-app.example/cb#frag', 'must not have a fragment'],
    ['https://my-app.example/cb#', 'must not have a fragment'],
    ['https://user:pw@my-app.example/cb', 'must not carry credentials'],
    ['/callback', '"/callback" is not an absolute URL'],
    ['com.example.app:/callback', 'must use https'],
    ['javascript:alert(1)', 'must use https'],
  ])('refuses %s', async (uri, message) => {
    expect(await problemsOf(app({ auth: { redirect_uris: [uri] } }))).toEqual([
      { path: 'auth.redirect_uris[0]', message },
    ]);
  });

  it('refuses repeats', async () => {
    const uri = 'https://my-app.example/cb';
    expect(await problemsOf(app({ auth: { redirect_uris: [uri, uri] } }))).toEqual([
      { path: 'auth.redirect_uris[1]', message: 'duplicate of auth.redirect_uris[0]' },
    ]);
  });
});

describe('webhook topics', () => {
  it('refuses malformed and repeated topics', async () => {
    expect(
      await problemsOf(
        app({
          webhooks: {
            topics: ['content.updated', 'Content/updated', 'leads/created', 'leads/created'],
          },
        }),
      ),
    ).toEqual([
      {
        path: 'webhooks.topics[0]',
        message:
          'malformed topic "content.updated" (expected resource/event, e.g. "content/updated")',
      },
      {
        path: 'webhooks.topics[1]',
        message:
          'malformed topic "Content/updated" (expected resource/event, e.g. "content/updated")',
      },
      { path: 'webhooks.topics[3]', message: 'duplicate of webhooks.topics[2]' },
    ]);
  });

  it('requires at least read on the topic resource among auth.scopes', async () => {
    expect(
      await problemsOf(app({ webhooks: { topics: ['media/uploaded', 'payments/captured'] } })),
    ).toEqual([
      {
        path: 'webhooks.topics[1]',
        message:
          'topic "payments/captured" needs payments:read or payments:write among auth.scopes',
      },
    ]);
  });
});

describe('webhook target', () => {
  it.each([
    ['http://my-app.example/h', 'must use https (http only when private addresses are allowed)'],
    ['ftp://my-app.example/h', 'must use https'],
    ['https://user:secret@my-app.example/h', 'must not carry credentials'],
    ['my-app.example/h', '"my-app.example/h" is not an absolute URL'],
  ])('refuses %s', async (url, message) => {
    expect(await problemsOf(app({ webhooks: { url } }))).toEqual([
      { path: 'webhooks.url', message },
    ]);
  });

  it.each([
    ['https://127.0.0.1/h', 'host 127.0.0.1 is not a public address'],
    ['https://2130706433/h', 'host 127.0.0.1 is not a public address'],
    ['https://0x7f.1/h', 'host 127.0.0.1 is not a public address'],
    ['https://[::1]/h', 'host [::1] is not a public address'],
    ['https://[::ffff:169.254.169.254]/h', 'host [::ffff:a9fe:a9fe] is not a public address'],
    ['https://[fd00:ec2::254]/h', 'host [fd00:ec2::254] is not a public address'],
    ['https://192.168.1.10:8443/h', 'host 192.168.1.10 is not a public address'],
  ])('refuses the address literal in %s', async (url, message) => {
    expect(await problemsOf(app({ webhooks: { url } }))).toEqual([
      { path: 'webhooks.url', message },
    ]);
  });

  it('refuses a host that resolves to any non-public address', async () => {
    expect(await problemsOf(app({ webhooks: { url: 'https://split.example/h' } }))).toEqual([
      {
        path: 'webhooks.url',
        message:
          'host "split.example" resolves to a non-public address (169.254.169.254); webhooks must reach a public address',
      },
    ]);
  });

  it('turns resolver failures into problems', async () => {
    expect(await problemsOf(app({ webhooks: { url: 'https://nowhere.example/h' } }))).toEqual([
      { path: 'webhooks.url', message: 'host "nowhere.example" cannot be resolved (ENOTFOUND)' },
    ]);
    expect(await problemsOf(app({ webhooks: { url: 'https://empty.example/h' } }))).toEqual([
      { path: 'webhooks.url', message: 'host "empty.example" has no address' },
    ]);
  });

  it('resolves through the system resolver by default (localhost is loopback)', async () => {
    const { lookup: _, ...system } = ctx;
    const problems = await problemsOf(
      app({ webhooks: { url: 'https://localhost:8443/h' } }),
      system,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(
      /^host "localhost" resolves to a non-public address \((127\.0\.0\.1|::1)/,
    );
  });

  it('allows http and private targets, without resolving, when private addresses are allowed', async () => {
    lookups.length = 0;
    const result = await validateManifest(
      app({ webhooks: { url: 'http://127.0.0.1:9999/hooks' } }),
      devCtx,
    );
    expect(result.ok).toBe(true);
    expect(
      (await validateManifest(app({ webhooks: { url: 'http://internal.example/h' } }), devCtx)).ok,
    ).toBe(true);
    expect(lookups).toEqual([]);
  });

  it('still refuses credentials and other schemes when private addresses are allowed', async () => {
    expect(await problemsOf(app({ webhooks: { url: 'http://u:p@127.0.0.1/h' } }), devCtx)).toEqual([
      { path: 'webhooks.url', message: 'must not carry credentials' },
    ]);
    expect(await problemsOf(app({ webhooks: { url: 'file:///etc/passwd' } }), devCtx)).toEqual([
      { path: 'webhooks.url', message: 'must use https' },
    ]);
  });

  it('is optional, but complete when present', async () => {
    expect((await validateManifest(app({ webhooks: undefined }), ctx)).ok).toBe(true);
    expect(await problemsOf(app({ webhooks: { url: undefined, topics: undefined } }))).toEqual([
      { path: 'webhooks.url', message: 'is required' },
      { path: 'webhooks.topics', message: 'is required' },
    ]);
  });
});
