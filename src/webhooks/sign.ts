// Standard Webhooks signing: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per secret,
// space-separated, so a receiver still holding the previous secret verifies during rotation.
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

const PREFIX = 'whsec_';

/** The three Standard Webhooks headers of one attempt. */
export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The HMAC key of a `whsec_<base64>` secret (a secret without the prefix is all base64). */
export function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** HMAC keys by secret: building a KeyObject costs more than the HMAC of a small body. */
const keyObjects = new Map<string, KeyObject>();
const MAX_KEYS = 10_000;

function hmacKey(secret: string): KeyObject {
  let key = keyObjects.get(secret);
  if (!key) {
    key = createSecretKey(secretKey(secret));
    if (keyObjects.size >= MAX_KEYS) keyObjects.clear();
    keyObjects.set(secret, key);
  }
  return key;
}

/** One `v1,` signature of the content `id.timestamp.body`. */
export function signV1(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', hmacKey(secret)).update(`${id}.${timestamp}.${body}`);
  return `v1,${mac.digest('base64')}`;
}

/**
 * The headers for a message signed with every given secret (newest first). The timestamp
 * is the attempt's own, in seconds; the id is the delivery id, the same on every attempt.
 */
export function signatureHeaders(
  secrets: readonly string[],
  id: string,
  body: string,
  now: Date = new Date(),
): SignatureHeaders {
  if (secrets.length === 0) throw new Error('no webhook secret to sign with');
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signV1(s, id, timestamp, body)).join(' '),
  };
}
