// Tokens the gateway must refuse with 401, each failing a different check: signature,
// key, algorithm, type, audience, issuer, expiry, shape, plus no token at all ('').
import { generateKeyPair, SignJWT } from 'jose';
import type { TestSystem } from '../../support/system.ts';
import { mint, signingKey } from '../../support/tokens.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Forged variants of `valid` (a real access token of the test system), by name. */
export async function forgedTokens(
  sys: TestSystem,
  valid: string,
): Promise<Record<string, string>> {
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
    string,
    unknown
  >;
  const { jwk } = await signingKey(sys);
  const other = await generateKeyPair('RS256');
  const signOther = (kid: string | undefined) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .sign(other.privateKey);
  // Flip the first signature character: same length, same alphabet, wrong bytes.
  const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  return {
    badSignature: `${header}.${payload}.${flipped}`,
    payloadTampered: `${header}.${b64({ ...claims, scope: 'payments:write content:write' })}.${signature}`,
    otherKeySameKid: await signOther(jwk.kid),
    otherKeyUnknownKid: await signOther('forged-kid'),
    algNone: `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`,
    wrongType: await mint(sys, { header: { typ: 'JWT' } }),
    wrongAudience: await mint(sys, { claims: { aud: 'https://elsewhere.example' } }),
    wrongIssuer: await mint(sys, { claims: { iss: 'https://evil.example' } }),
    expired: await mint(sys, { expiresIn: -600 }),
    notJwt: 'not-a-jwt-at-all',
    missing: '',
  };
}
