// Encryption at rest for secrets scopegate must read back (client and webhook secrets):
// AES-256-GCM under the key in KEYS_DIR, versioned so the key can rotate.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** Encrypts `plaintext`; the result is `v1.<iv>.<ciphertext>.<tag>` in base64url. */
export function seal(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, ct, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Decrypts a value made by `seal`; throws when it was tampered with or sealed by another key. */
export function unseal(sealed: string, key: Buffer): string {
  const [version, iv, ct, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !ct || !tag) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}
