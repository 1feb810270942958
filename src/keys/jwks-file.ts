// KEYS_DIR/jwks.json: the private signing keys, newest first (the first signs), each with
// non-secret lifecycle metadata beside the JWK members. Parsing names every problem;
// the members published to verifiers are chosen elsewhere (public.ts), never copied.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { type Problem, ScopegateError } from '../errors/index.ts';
import { isObject } from '../json.ts';
import { writeFileAtomic } from './atomic-write.ts';

export const JWKS_FILE = 'jwks.json';

/** The access-token signing algorithm: RS256 verifies fastest with jose (bench/jwt-verify). */
export const SIGNING_ALG = 'RS256';

/**
 * A private signing JWK as jwks.json holds it. The lifecycle members are scopegate's own
 * (RFC 7517 lets other parties ignore them) and are ISO 8601 instants.
 */
export interface SigningKey extends JWK {
  kid: string;
  /** When `scopegate keys generate|rotate` made the key. */
  created_at?: string;
  /** When a newer key took over signing. */
  retired_at?: string;
  /** After this instant no token the key signed can still be valid: it may be dropped. */
  retire_after?: string;
}

const RSA_PRIVATE = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const INSTANTS = ['created_at', 'retired_at', 'retire_after'] as const;

function keyProblems(key: unknown, path: string, seen: Set<string>): Problem[] {
  if (!isObject(key)) return [{ path, message: 'must be a JWK object' }];
  const problems: Problem[] = [];
  const bad = (member: string, message: string) =>
    problems.push({ path: `${path}.${member}`, message });
  if (typeof key.kid !== 'string' || key.kid === '') bad('kid', 'must be a non-empty string');
  else if (seen.has(key.kid)) bad('kid', `duplicates kid "${key.kid}"`);
  else seen.add(key.kid);
  if (key.kty !== 'RSA') bad('kty', `must be "RSA" (access tokens are ${SIGNING_ALG})`);
  if (key.alg !== undefined && key.alg !== SIGNING_ALG) bad('alg', `must be "${SIGNING_ALG}"`);
  if (key.use !== undefined && key.use !== 'sig') bad('use', 'must be "sig"');
  for (const member of RSA_PRIVATE) {
    if (typeof key[member] !== 'string' || key[member] === '') {
      bad(member, 'must be a non-empty string (a private RSA JWK)');
    }
  }
  for (const member of INSTANTS) {
    const value = key[member];
    if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      bad(member, 'must be an ISO 8601 date-time');
    }
  }
  return problems;
}

/** Unusable key material: an operator's problem, never shown to a client. */
export function keyError(description: string, details?: Problem[]): ScopegateError {
  return new ScopegateError({
    status: 500,
    error: 'invalid_keys',
    description,
    ...(details ? { details } : {}),
    expose: false,
  });
}

function invalid(file: string, problems: Problem[]): ScopegateError {
  const listed = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return keyError(`${file} is not a usable signing key set: ${listed}`, problems);
}

/** The keys in a jwks.json text; throws a ScopegateError naming every problem. */
export function parseSigningKeys(text: string, file = JWKS_FILE): SigningKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid(file, [{ path: file, message: 'is not JSON' }]);
  }
  const keys = isObject(doc) ? doc.keys : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw invalid(file, [{ path: `${file}#keys`, message: 'must be a non-empty list of JWKs' }]);
  }
  const seen = new Set<string>();
  const problems = keys.flatMap((key, i) => keyProblems(key, `${file}#keys[${i}]`, seen));
  if (problems.length) throw invalid(file, problems);
  return keys as SigningKey[];
}

/** Reads KEYS_DIR/jwks.json (see {@link parseSigningKeys}). */
export function readSigningKeys(dir: string): SigningKey[] {
  const path = join(dir, JWKS_FILE);
  return parseSigningKeys(readFileSync(path, 'utf8'), path);
}

/** Replaces KEYS_DIR/jwks.json atomically (mode 0600). */
export function writeSigningKeys(dir: string, keys: readonly SigningKey[]): void {
  writeFileAtomic(join(dir, JWKS_FILE), `${JSON.stringify({ keys }, null, 2)}\n`);
}
