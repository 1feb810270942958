// Rules across settings: token lifetimes that fit together, and production's refusal
// of every development default (admin token, in-memory store, dev cookie keys, demo).
import type { Problem } from '../errors/index.ts';
import type { SettingKey, Settings } from './settings.ts';

/** The smallest ADMIN_TOKEN accepted in production. */
export const PRODUCTION_ADMIN_TOKEN_LENGTH = 32;

/**
 * Problems no single setting shows. Keys in `invalid` already have a problem of their own
 * and are not judged again; `where` names each key as its source has it.
 */
export function policyProblems(
  s: Settings,
  invalid: ReadonlySet<SettingKey>,
  where: (key: SettingKey) => string,
): Problem[] {
  const problems: Problem[] = [];
  const valid = (...keys: SettingKey[]) => keys.every((k) => !invalid.has(k));
  if (valid('ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL') && s.refreshTokenTtl < s.accessTokenTtl) {
    problems.push({
      path: where('REFRESH_TOKEN_TTL'),
      message: 'must not be shorter than ACCESS_TOKEN_TTL',
    });
  }
  if (s.nodeEnv !== 'production') return problems;
  if (
    valid('ADMIN_TOKEN') &&
    (!s.adminToken || s.adminToken.length < PRODUCTION_ADMIN_TOKEN_LENGTH)
  ) {
    problems.push({
      path: where('ADMIN_TOKEN'),
      message: `required in production, at least ${PRODUCTION_ADMIN_TOKEN_LENGTH} characters`,
    });
  }
  if (valid('REDIS_URL') && !s.redisUrl) {
    problems.push({
      path: where('REDIS_URL'),
      message: 'required in production (the in-memory store is development-only)',
    });
  }
  if (valid('COOKIE_KEYS') && !s.cookieKeys) {
    problems.push({
      path: where('COOKIE_KEYS'),
      message: 'required in production (generated development keys are refused)',
    });
  }
  if (valid('DEMO') && s.demo)
    problems.push({ path: where('DEMO'), message: 'demo data is refused in production' });
  return problems;
}
