// Key rotation in a running deployment, driven by the real `scopegate keys` command: the
// auth server signs with the new key without a restart (flows and refresh tokens from
// before carry on), gateways started before the rotation — in this process and in their
// own — accept tokens of both keys, and once the old key is pruned it is gone from the
// JWKS and its tokens stop verifying.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSigningKeys, type SigningKey, writeSigningKeys } from '../../src/keys/jwks-file.ts';
import { runCli } from '../cli/run-cli.ts';
import { type GatewayProcess, startGatewayProcess } from '../support/gateway-process.ts';
import { HttpAgent } from '../support/http-agent.ts';
import {
  authorizationUrl,
  clientConfig,
  consent,
  createMerchant,
  type Installed,
  install,
  MERCHANT,
  manifest,
  REDIRECT_URI,
  type RegisteredApp,
  registerApp,
  signIn,
} from '../support/oauth.ts';
import { rawRequest } from '../support/raw-http.ts';
import { startRedis, type TestRedis } from '../support/redis.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let redis: TestRedis;
let keysDir: string;
let sys: TestSystem;
let second: GatewayProcess;
let app: RegisteredApp;
/** A second app, so that its install does not supersede the first app's. */
let other: RegisteredApp;

beforeAll(async () => {
  redis = await startRedis();
  keysDir = mkdtempSync(join(tmpdir(), 'sg-rotation-'));
  sys = await startTestSystem({ redisUrl: redis.url, keysDir });
  second = await startGatewayProcess(sys);
  await createMerchant(sys);
  app = await registerApp(sys, manifest('rotation-app'));
  other = await registerApp(sys, manifest('rotation-other'));
});
afterAll(async () => {
  await second?.stop();
  await sys?.stop();
  await redis?.stop();
  rmSync(keysDir, { recursive: true, force: true });
});

const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const keysCli = (...args: string[]) => runCli(['keys', ...args, '--dir', keysDir]);

async function publishedKids(): Promise<string[]> {
  const res = await fetch(`${sys.issuer}/jwks`);
  const { keys } = (await res.json()) as { keys: { kid: string }[] };
  return keys.map((k) => k.kid);
}

/** The status each gateway answers for a token. */
async function statuses(token: string): Promise<number[]> {
  const auth = { authorization: `Bearer ${token}` };
  return Promise.all(
    [sys.gatewayUrl, second.url].map(
      async (url) => (await rawRequest(url, 'GET', '/api/content', auth)).status,
    ),
  );
}

it('signs with the rotated key at once; gateways accept old and new tokens; prune removes the old', async () => {
  const [original] = readSigningKeys(keysDir);
  const before: Installed = await install(sys, app, { site: 's_shop' });
  const tokenA = before.tokens.access_token;
  expect(kidOf(tokenA)).toBe(original?.kid);
  expect(await statuses(tokenA)).toEqual([200, 200]);

  // A merchant is on the sign-in page when the operator rotates.
  const agent = new HttpAgent();
  const config = await clientConfig(sys, other);
  const start = await authorizationUrl(config);
  const signInPage = await agent.follow(await agent.get(start.url.href), REDIRECT_URI);
  expect(signInPage.body).toContain('name="password"');

  const rotated = await keysCli('rotate', '--json');
  expect(rotated).toMatchObject({ code: 0, stderr: '' });
  const { signing_kid: newKid, retired_kid: oldKid } = JSON.parse(rotated.stdout);
  expect(oldKid).toBe(original?.kid);

  // The auth server publishes the new key next to the old one, without a restart.
  await expect.poll(publishedKids, { timeout: 10_000 }).toEqual([newKid, oldKid]);

  // Token B from a fresh install is signed with the new key.
  const after = await install(sys, app, { site: 's_blog' });
  const tokenB = after.tokens.access_token;
  expect(kidOf(tokenB)).toBe(newKid);

  // The flow begun before the rotation finishes, and its token has the new key too.
  const next = await signIn(agent, signInPage, MERCHANT.email, MERCHANT.password);
  const callback = next.body.includes('name="decision"')
    ? await consent(agent, next, { decision: 'approve', site: 's_shop' })
    : next;
  expect(callback.location).toMatch(/^http:\/\/localhost:7999\/callback\?code=/);
  const inFlight = await oidc.authorizationCodeGrant(config, new URL(callback.location!), {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
  });
  expect(kidOf(inFlight.access_token)).toBe(newKid);

  // A refresh token issued before the rotation still works and gets a new-key token.
  const refreshed = await oidc.refreshTokenGrant(before.config, before.tokens.refresh_token!);
  expect(kidOf(refreshed.access_token)).toBe(newKid);

  // Both gateways were running before the rotation; each accepts both keys' tokens.
  expect(await statuses(tokenB)).toEqual([200, 200]);
  expect(await statuses(tokenA)).toEqual([200, 200]);
  expect(await statuses(inFlight.access_token)).toEqual([200, 200]);

  // The published JWKS carries public members only: no private part, no metadata.
  const jwks = (await (await fetch(`${sys.issuer}/jwks`)).json()) as {
    keys: Record<string, unknown>[];
  };
  for (const key of jwks.keys) {
    expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  }

  // Time passes beyond the old key's retire_after (written as if it had), then prune.
  const aged = readSigningKeys(keysDir).map((k) =>
    k.kid === oldKid ? { ...k, retire_after: new Date(Date.now() - 1000).toISOString() } : k,
  );
  writeSigningKeys(keysDir, aged);
  const listed = await keysCli('list');
  expect(listed.stdout).toMatch(new RegExp(`${oldKid}\\s+RS256\\s+expired`));
  const pruned = await keysCli('prune', '--json');
  expect(JSON.parse(pruned.stdout).dropped).toEqual([oldKid]);

  await expect.poll(publishedKids, { timeout: 10_000 }).toEqual([newKid]);
  // A token of the dropped key no longer verifies anywhere; the new key's still do.
  await expect.poll(() => statuses(tokenA), { timeout: 10_000 }).toEqual([401, 401]);
  expect(await statuses(tokenB)).toEqual([200, 200]);
});

it('keeps serving with the current keys when jwks.json is replaced by something unusable', async () => {
  const kidsBefore = await publishedKids();
  const [current] = readSigningKeys(keysDir);
  const { d: _d, ...publicOnly } = current!;
  writeSigningKeys(keysDir, [publicOnly as SigningKey]);
  // Give the watchers the chance to see the file; they must refuse it.
  await new Promise((r) => setTimeout(r, 2_500));
  expect(await publishedKids()).toEqual(kidsBefore);
  const { tokens } = await install(sys, app, { site: 's_shop' });
  expect(kidOf(tokens.access_token)).toBe(current?.kid);
  expect(await statuses(tokens.access_token)).toEqual([200, 200]);
  writeSigningKeys(keysDir, [current!]);
});
