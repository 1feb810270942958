// The public half of signing keys, built from an allow-list of JWK members: private
// parts and scopegate's lifecycle metadata can never reach a verifier or a JWKS document.
import type { JSONWebKeySet, JWK } from 'jose';

const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'key_ops', 'n', 'e', 'crv', 'x', 'y'] as const;

/** The public JWK of a private one (RSA, EC or OKP). */
export function publicJwk(key: JWK): JWK {
  const pub: Record<string, unknown> = {};
  for (const member of PUBLIC_MEMBERS) {
    if (key[member] !== undefined) pub[member] = key[member];
  }
  return pub as JWK;
}

/** The public JWKS of private JWKs, in the same order. */
export function publicJwks(keys: readonly JWK[]): JSONWebKeySet {
  return { keys: keys.map(publicJwk) };
}
