// Merchant accounts: creation from operator input (every problem named) and sign-in
// with throttling, so repeated failures lock an email or a client address for a while.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { conflict, invalidRequest, type Problem } from '../errors/index.ts';
import type { MerchantStore, StoredMerchant, ThrottleStore } from '../store/types.ts';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.ts';

const siteSchema = z.object({
  id: z
    .string()
    .regex(/^s_[a-z0-9_-]{1,60}$/, 'must look like s_<lowercase letters, digits, _ or ->'),
  name: z.string().trim().min(1).max(100),
});

const merchantInput = z
  .object({
    email: z.email().max(254),
    password: z.string().min(10, 'must be at least 10 characters').max(200),
    sites: z.array(siteSchema).min(1, 'at least one site is required').max(100),
  })
  .strict();

export type MerchantInput = z.infer<typeof merchantInput>;

/** zod issues as named problems, one per issue, with dotted/indexed key paths. */
export function zodProblems(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path:
      issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join('') || '(body)',
    message: issue.message,
  }));
}

export async function createMerchant(
  merchants: MerchantStore,
  input: unknown,
): Promise<StoredMerchant> {
  const parsed = merchantInput.safeParse(input);
  if (!parsed.success) throw invalidRequest('invalid merchant', zodProblems(parsed.error));
  const { email, password, sites } = parsed.data;
  const ids = sites.map((s) => s.id);
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length) {
    throw invalidRequest('invalid merchant', [
      { path: 'sites', message: `duplicate site id ${dupes.join(', ')}` },
    ]);
  }
  const merchant: StoredMerchant = {
    id: `m_${randomBytes(9).toString('base64url')}`,
    email: email.toLowerCase(),
    passwordHash: await hashPassword(password),
    sites,
    createdAt: new Date().toISOString(),
  };
  const result = await merchants.create(merchant);
  if (!result.ok) {
    throw conflict(
      result.conflict === 'email'
        ? 'a merchant with this email exists'
        : `site ${result.value} belongs to another merchant`,
    );
  }
  return merchant;
}

/**
 * Sign-in limits within one window: failures per email before it locks, and attempts
 * (successful or not) per client address, which slows password spraying across emails.
 */
export const SIGN_IN_LIMIT = {
  failures: 5,
  attemptsPerAddress: 100,
  windowSeconds: 15 * 60,
} as const;

export type SignInResult =
  | { ok: true; merchant: StoredMerchant }
  | { ok: false; reason: 'invalid' | 'locked' };

/**
 * Checks credentials. A locked email or address is refused even with the right
 * password until its window passes. Unknown emails cost a full hash (no timing oracle).
 */
export async function signIn(
  deps: { merchants: MerchantStore; throttle: ThrottleStore },
  email: string,
  password: string,
  clientAddress: string,
): Promise<SignInResult> {
  const normalized = email.trim().toLowerCase();
  const emailKey = `signin:email:${normalized}`;
  const { windowSeconds } = SIGN_IN_LIMIT;
  const addressHits = await deps.throttle.hit(`signin:ip:${clientAddress}`, windowSeconds);
  const merchant = await deps.merchants.findByEmail(normalized);
  const valid = await verifyPassword(
    password,
    merchant?.passwordHash ?? (await DUMMY_HASH_PROMISE),
  );
  // A hit counts this attempt too: more than `failures` hits means the lock is on.
  const emailHits = await deps.throttle.hit(emailKey, windowSeconds);
  const locked =
    emailHits > SIGN_IN_LIMIT.failures || addressHits > SIGN_IN_LIMIT.attemptsPerAddress;
  if (locked) return { ok: false, reason: 'locked' };
  if (!valid || !merchant) return { ok: false, reason: 'invalid' };
  await deps.throttle.clear(emailKey);
  return { ok: true, merchant };
}

/** How a refused sign-in is answered on every sign-in page. */
export function signInRefusal(reason: 'invalid' | 'locked'): { status: number; error: string } {
  return reason === 'locked'
    ? { status: 429, error: 'Too many failed attempts. Wait 15 minutes and try again.' }
    : { status: 401, error: 'The email or password is incorrect.' };
}
