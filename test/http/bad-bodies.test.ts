// Request bodies that cannot be read — too large, a corrupt or unsupported
// Content-Encoding, cut short — over real HTTP to every listener that parses one: each a
// 4xx naming the problem (a page on the merchant pages, JSON on the admin API), never a 500.
import { connect } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationUrl,
  clientConfig,
  createMerchant,
  manifest,
  type RegisteredApp,
  registerApp,
} from '../support/oauth.ts';
import { type RawResponse, rawRequest } from '../support/raw-http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let app: RegisteredApp;

beforeAll(async () => {
  sys = await startTestSystem();
  await createMerchant(sys);
  app = await registerApp(sys, manifest('bodies-app'));
});
afterAll(() => sys?.stop());

const FORM = 'application/x-www-form-urlencoded';
const form = 'csrf=x&email=owner%40shop.test&password=correct-horse-battery';
/** Over the 16 KB form limit. */
const bigForm = `csrf=x&email=${'a'.repeat(20_000)}`;
/** Starts like gzip data, then stops. */
const truncatedGzip = gzipSync(form).subarray(0, 12);

/** A sign-in form URL of a live interaction, with the interaction's cookies. */
async function liveInteraction(): Promise<{ path: string; cookie: string }> {
  const { url } = await authorizationUrl(await clientConfig(sys, app));
  const res = await fetch(url, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') ?? '', sys.issuer);
  expect(location.pathname).toMatch(/^\/interaction\//);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { path: `${location.pathname}/login`, cookie };
}

function post(
  base: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
): Promise<RawResponse> {
  return rawRequest(base, 'POST', path, headers, body);
}

/** Sends the head with a Content-Length the body never reaches, then half-closes. */
function truncated(
  port: number,
  path: string,
  headers: Record<string, string>,
  sent: string,
): Promise<string> {
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
    socket.end(
      `POST ${path} HTTP/1.1\r\nHost: localhost\r\n${head}` +
        `Content-Length: ${sent.length + 100}\r\nConnection: close\r\n\r\n${sent}`,
    );
  });
}

describe('interaction forms', () => {
  const pages = async () => {
    const live = await liveInteraction();
    return [
      { what: 'a live sign-in', path: live.path, cookie: live.cookie },
      { what: 'an unknown interaction (login)', path: '/interaction/nope/login', cookie: '' },
      { what: 'an unknown interaction (confirm)', path: '/interaction/nope/confirm', cookie: '' },
    ];
  };

  it.each([
    [
      'a form over the 16 KB limit',
      {},
      bigForm,
      413,
      /payload_too_large.*larger than the 16384-byte limit/,
    ],
    ['gzip that is not gzip', { 'content-encoding': 'gzip' }, form, 400, /invalid_request.*gzip/],
    ['deflate that is not deflate', { 'content-encoding': 'deflate' }, form, 400, /deflate/],
    ['truncated gzip', { 'content-encoding': 'gzip' }, truncatedGzip, 400, /gzip/],
    [
      'an unsupported encoding',
      { 'content-encoding': 'compress' },
      form,
      415,
      /unsupported_media_type.*compress/,
    ],
  ] as const)('answers %s with a page naming it', async (_what, headers, body, status, text) => {
    for (const page of await pages()) {
      const res = await post(
        sys.issuer,
        page.path,
        { 'content-type': FORM, cookie: page.cookie, ...headers },
        body,
      );
      expect({ page: page.what, status: res.status }).toEqual({ page: page.what, status });
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body.replace(/<[^>]+>/g, '')).toMatch(text);
    }
  });

  it('still reads a correctly gzipped form', async () => {
    const live = await liveInteraction();
    const res = await post(
      sys.issuer,
      live.path,
      { 'content-type': FORM, cookie: live.cookie, 'content-encoding': 'gzip' },
      gzipSync(form),
    );
    // The body was read: the CSRF token "x" is then refused, as it should be.
    expect(res.status).toBe(403);
  });

  it('answers a body cut short with a 4xx', async () => {
    const answer = await truncated(
      sys.ports.auth,
      '/interaction/nope/login',
      { 'content-type': FORM },
      'csrf=x',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
  });
});

describe('account pages', () => {
  it.each([
    ['a form over the 16 KB limit', {}, bigForm, 413, /larger than the 16384-byte limit/],
    ['gzip that is not gzip', { 'content-encoding': 'gzip' }, form, 400, /gzip/],
    ['an unsupported encoding', { 'content-encoding': 'compress' }, form, 415, /compress/],
  ] as const)(
    'answers %s on /account/login with a page naming it',
    async (_w, headers, body, status, text) => {
      const res = await post(
        sys.issuer,
        '/account/login',
        { 'content-type': FORM, ...headers },
        body,
      );
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toMatch(text);
    },
  );
});

describe('admin API', () => {
  const auth = () => ({
    authorization: `Bearer ${sys.adminToken}`,
    'content-type': 'application/json',
  });
  const json = JSON.stringify({ email: 'gz@shop.test', password: 'long-enough-pw', sites: [] });

  it.each([
    ['truncated gzip', 'gzip', gzipSync(json).subarray(0, 15)],
    ['gzip that is not gzip', 'gzip', Buffer.from(json)],
    ['deflate that is not deflate', 'deflate', Buffer.from(json)],
    ['br that is not brotli', 'br', Buffer.from('\xff\xff\xff\xff garbage', 'latin1')],
  ])('answers %s with 400 naming the encoding', async (_what, encoding, body) => {
    for (const path of ['/admin/apps', '/admin/merchants']) {
      const res = await post(sys.adminUrl, path, { ...auth(), 'content-encoding': encoding }, body);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      const answer = JSON.parse(res.body);
      expect(answer.error).toBe('invalid_request');
      expect(answer.error_description).toContain(`Content-Encoding ${encoding}`);
    }
  });

  it('answers an unsupported encoding with 415 and an oversized body with 413', async () => {
    const unsupported = await post(
      sys.adminUrl,
      '/admin/merchants',
      { ...auth(), 'content-encoding': 'compress' },
      json,
    );
    expect(unsupported.status).toBe(415);
    expect(JSON.parse(unsupported.body).error_description).toContain('compress');
    const big = await post(sys.adminUrl, '/admin/apps', auth(), `"${'x'.repeat(300_000)}"`);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({
      error: 'payload_too_large',
      error_description: 'the body is larger than the 262144-byte limit',
    });
  });

  it('still reads correctly compressed JSON', async () => {
    const merchant = (email: string, site: string) =>
      JSON.stringify({ email, password: 'long-enough-pw', sites: [{ id: site, name: 'S' }] });
    const compressors = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync };
    for (const [encoding, compress] of Object.entries(compressors)) {
      const res = await post(
        sys.adminUrl,
        '/admin/merchants',
        { ...auth(), 'content-encoding': encoding },
        compress(merchant(`${encoding}@shop.test`, `s_${encoding}`)),
      );
      expect({ encoding, status: res.status }).toEqual({ encoding, status: 201 });
    }
  });

  it('answers a body cut short with a 4xx', async () => {
    const answer = await truncated(sys.ports.admin, '/admin/merchants', auth(), '{"a":');
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
  });
});

describe('oidc-provider endpoints', () => {
  it('answers a corrupt gzip or an oversized token request with a 4xx', async () => {
    const gz = await post(
      sys.issuer,
      '/token',
      { 'content-type': FORM, 'content-encoding': 'gzip' },
      'grant_type=authorization_code',
    );
    expect(gz.status).toBe(400);
    const big = await post(sys.issuer, '/token', { 'content-type': FORM }, 'a'.repeat(60_000));
    expect(big.status).toBe(400);
  });
});
