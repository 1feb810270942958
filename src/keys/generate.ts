// Creates the key material of a deployment: a first signing key, the at-rest sealing key
// and the development cookie keys. A file that exists is kept unless `force` is given:
// overwriting jwks.json voids every issued token, sealing.key every stored app secret.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { writeFileAtomic } from './atomic-write.ts';
import { JWKS_FILE, SIGNING_ALG, type SigningKey, writeSigningKeys } from './jwks-file.ts';

export const KEY_FILES = {
  jwks: JWKS_FILE,
  sealing: 'sealing.key',
  cookies: 'cookie-keys.json',
} as const;

export type KeyFile = (typeof KEY_FILES)[keyof typeof KEY_FILES];

const rsaKeyPair = promisify(generateKeyPair);

/** A new RSA signing key as a private JWK with a thumbprint `kid`. */
export async function newSigningKey(now = new Date()): Promise<SigningKey> {
  const { privateKey } = await rsaKeyPair('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  return {
    ...jwk,
    kid: await calculateJwkThumbprint(jwk),
    alg: SIGNING_ALG,
    use: 'sig',
    created_at: now.toISOString(),
  };
}

export interface GenerateOptions {
  /** Overwrite files that exist. */
  force?: boolean;
  /** Which files to consider; default all three (cookie keys are not needed with COOKIE_KEYS). */
  files?: readonly KeyFile[];
  now?: Date;
}

export interface Generated {
  /** Files written, in KEY_FILES order. */
  created: KeyFile[];
  /** Files that existed and were left alone. */
  kept: KeyFile[];
  /** The kid of the signing key written, when jwks.json was. */
  signingKid: string | undefined;
}

/** Writes the missing (or with `force`, all) key files into `dir`, each mode 0600. */
export async function generateKeyFiles(
  dir: string,
  opts: GenerateOptions = {},
): Promise<Generated> {
  const files = opts.files ?? Object.values(KEY_FILES);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const result: Generated = { created: [], kept: [], signingKid: undefined };
  for (const file of Object.values(KEY_FILES).filter((f) => files.includes(f))) {
    if (!opts.force && existsSync(join(dir, file))) {
      result.kept.push(file);
      continue;
    }
    if (file === KEY_FILES.jwks) {
      const key = await newSigningKey(opts.now);
      writeSigningKeys(dir, [key]);
      result.signingKid = key.kid;
    } else if (file === KEY_FILES.sealing) {
      writeFileAtomic(join(dir, file), randomBytes(32).toString('base64'));
    } else {
      writeFileAtomic(join(dir, file), JSON.stringify([randomBytes(32).toString('base64url')]));
    }
    result.created.push(file);
  }
  return result;
}
