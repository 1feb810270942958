// CSRF tokens for the merchant forms: an HMAC of the interaction (or session) id under
// the cookie key, checked in constant time. Defence in depth beside SameSite cookies.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function csrfToken(key: string, bindTo: string): string {
  return createHmac('sha256', key).update(`csrf:${bindTo}`).digest('base64url');
}

export function csrfValid(key: string, bindTo: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const expected = Buffer.from(csrfToken(key, bindTo));
  const actual = Buffer.from(token);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
