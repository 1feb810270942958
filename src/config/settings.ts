// Every scalar setting: its key (the environment variable), what it accepts, its default.
// One schema, so the loader, the docs and the error messages cannot drift apart.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Problem } from '../errors/index.ts';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from '../webhooks/schedule.ts';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
    .pipe(z.int().min(min).max(max));

const flag = z.union([
  z.boolean(),
  z
    .string()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0']))
    .transform((v) => v === 'true' || v === '1'),
]);

/** An absolute http(s) URL without credentials, query or fragment; trailing `/` dropped. */
const httpUrl = z.string().transform((text, ctx) => {
  const url = URL.parse(text);
  const plain = url && !/[?#]/.test(text) && !url.username && !url.password;
  if (!plain || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: 'not a plain http(s) URL' });
    return z.NEVER;
  }
  return url.href.replace(/\/$/, '');
});

const redisUrl = z.string().refine((text) => {
  const url = URL.parse(text);
  return !!url && (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
});

const directory = z
  .string()
  .min(1)
  .transform((path) => resolve(path));

const cookieKeys = z
  .union([
    z.string().transform((list) => list.split(',').map((k) => k.trim())),
    z.array(z.string()),
  ])
  .pipe(z.array(z.string().min(32)).min(1));

/** The settings as read from scopegate.json or the environment, keyed by variable name. */
export const settingsSchema = z.object({
  NODE_ENV: z.enum(NODE_ENVS).default('development'),
  REDIS_URL: redisUrl.optional(),
  ISSUER: httpUrl.prefault('http://localhost:3000'),
  AUTH_PORT: integer(1, 65_535).default(3000),
  GATEWAY_PORT: integer(1, 65_535).default(8080),
  ADMIN_PORT: integer(1, 65_535).default(9090),
  ADMIN_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/)
    .default('127.0.0.1'),
  METRICS_PORT: integer(1, 65_535).optional(),
  ADMIN_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,1024}$/)
    .optional(),
  PLATFORM_API_URL: httpUrl.optional(),
  API_AUDIENCE: httpUrl.prefault('http://localhost:8080'),
  ACCESS_TOKEN_TTL: integer(60, 86_400).default(600),
  REFRESH_TOKEN_TTL: integer(3_600, 365 * 86_400).default(30 * 86_400),
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: flag.default(false),
  KEYS_DIR: directory.prefault('keys'),
  COOKIE_KEYS: cookieKeys.optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DEMO: flag.optional(),
  GATEWAY_MAX_BODY_BYTES: integer(1, 1_073_741_824).default(10 * 1_048_576),
  UPSTREAM_TIMEOUT_MS: integer(100, 600_000).default(30_000),
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default(DEFAULT_RETRY_SCHEDULE)
    .transform((text, ctx) => {
      const parsed = parseRetrySchedule(text);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: parsed.message });
        return z.NEVER;
      }
      return parsed.delaysMs;
    }),
  REVOCATION_STALENESS_MS: integer(500, 60_000).default(3_000),
  REVOCATION_ACK_TIMEOUT_MS: integer(0, 60_000).default(2_000),
  TRUSTED_PROXIES: z
    .union([
      z.string().transform((list) =>
        list
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
      z.array(z.string()),
    ])
    .pipe(z.array(z.union([z.ipv4(), z.ipv6()])))
    .default([]),
});

export type SettingKey = keyof typeof settingsSchema.shape;
export const SETTING_KEYS = Object.keys(settingsSchema.shape) as SettingKey[];

/** What each setting accepts, as error messages say it. */
const EXPECTED: Record<SettingKey, string> = {
  NODE_ENV: `one of ${NODE_ENVS.join(', ')}`,
  REDIS_URL: 'a redis:// or rediss:// URL',
  ISSUER: 'an absolute http(s) URL without query or fragment',
  AUTH_PORT: 'an integer 1-65535',
  GATEWAY_PORT: 'an integer 1-65535',
  ADMIN_PORT: 'an integer 1-65535',
  ADMIN_HOST: 'a host name or IP address',
  METRICS_PORT: 'an integer 1-65535',
  ADMIN_TOKEN: 'at least 16 printable characters without spaces',
  PLATFORM_API_URL: 'an absolute http(s) URL without query or fragment',
  API_AUDIENCE: 'an absolute http(s) URL without query or fragment',
  ACCESS_TOKEN_TTL: 'an integer 60-86400 (seconds)',
  REFRESH_TOKEN_TTL: 'an integer 3600-31536000 (seconds)',
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true, false, 1 or 0',
  KEYS_DIR: 'a directory path',
  COOKIE_KEYS: 'comma-separated keys of at least 32 characters each',
  LOG_LEVEL: `one of ${LOG_LEVELS.join(', ')}`,
  DEMO: 'true, false, 1 or 0',
  GATEWAY_MAX_BODY_BYTES: 'an integer 1-1073741824 (bytes)',
  UPSTREAM_TIMEOUT_MS: 'an integer 100-600000 (milliseconds)',
  TRUSTED_PROXIES: 'comma-separated IP addresses',
  WEBHOOK_RETRY_SCHEDULE:
    'comma-separated delays in seconds (e.g. 5,300,1800), 1-20 of them, each at most 7 days',
  REVOCATION_STALENESS_MS: 'an integer 500-60000 (milliseconds)',
  REVOCATION_ACK_TIMEOUT_MS: 'an integer 0-60000 (milliseconds)',
};

/** Settings whose values never appear in a message: they are or may contain secrets. */
const SECRET = new Set<SettingKey>(['ADMIN_TOKEN', 'COOKIE_KEYS', 'REDIS_URL']);

/** The scalar settings (DESIGN.md §1), each from the variable named in its comment. */
export interface Settings {
  /** NODE_ENV, default development. */
  nodeEnv: (typeof NODE_ENVS)[number];
  /** REDIS_URL; undefined = embedded in-memory store (development only). */
  redisUrl: string | undefined;
  /** ISSUER, default http://localhost:3000; absolute http(s), no trailing slash. */
  issuer: string;
  /** AUTH_PORT, default 3000. */
  authPort: number;
  /** GATEWAY_PORT, default 8080. */
  gatewayPort: number;
  /** ADMIN_PORT, default 9090. */
  adminPort: number;
  /** ADMIN_HOST, default 127.0.0.1. */
  adminHost: string;
  /**
   * METRICS_PORT: a listener on ADMIN_HOST serving only /metrics and health, for processes
   * without the admin role (whose listener serves /metrics anyway). Unset: none.
   */
  metricsPort: number | undefined;
  /** ADMIN_TOKEN; required in production (at least 32 characters). */
  adminToken: string | undefined;
  /** PLATFORM_API_URL; undefined = the built-in demo platform API. */
  platformApiUrl: string | undefined;
  /** API_AUDIENCE, default http://localhost:8080: `aud` of access tokens. */
  apiAudience: string;
  /** ACCESS_TOKEN_TTL in seconds, default 600 (60-86400). */
  accessTokenTtl: number;
  /** REFRESH_TOKEN_TTL in seconds, default 30 days. */
  refreshTokenTtl: number;
  /** WEBHOOKS_ALLOW_PRIVATE_ADDRESSES, default false: tests and local development only. */
  webhooksAllowPrivateAddresses: boolean;
  /** KEYS_DIR, default `keys`, absolute. */
  keysDir: string;
  /** COOKIE_KEYS, comma-separated; undefined = development keys generated in KEYS_DIR. */
  cookieKeys: string[] | undefined;
  /** LOG_LEVEL, default info. */
  logLevel: (typeof LOG_LEVELS)[number];
  /** DEMO: load the demo merchant and app at start; default true unless production. */
  demo: boolean;
  /** GATEWAY_MAX_BODY_BYTES: largest request body the gateway forwards (10 MiB). */
  gatewayMaxBodyBytes: number;
  /** UPSTREAM_TIMEOUT_MS: how long the gateway waits for upstream headers and body (30 s). */
  upstreamTimeoutMs: number;
  /**
   * TRUSTED_PROXIES: peer addresses whose X-Forwarded-For/-Proto/-Host the gateway keeps
   * (default none: forwarding headers are always rebuilt from the connection).
   */
  trustedProxies: string[];
  /** WEBHOOK_RETRY_SCHEDULE: delays between webhook delivery attempts (about a day in all). */
  webhookRetryScheduleMs: number[];
  /** REVOCATION_STALENESS_MS (3 s): a gateway whose revocation feed is older answers 503. */
  revocationStalenessMs: number;
  /** REVOCATION_ACK_TIMEOUT_MS (2 s): how long a revoke waits for gateways to acknowledge. */
  revocationAckTimeoutMs: number;
}

function shown(key: SettingKey, value: unknown): string {
  if (!SECRET.has(key)) return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  return typeof value === 'string' ? `a value of ${value.length} characters` : `a ${typeof value}`;
}

function toSettings(s: z.output<typeof settingsSchema>): Settings {
  return {
    nodeEnv: s.NODE_ENV,
    redisUrl: s.REDIS_URL,
    issuer: s.ISSUER,
    authPort: s.AUTH_PORT,
    gatewayPort: s.GATEWAY_PORT,
    adminPort: s.ADMIN_PORT,
    adminHost: s.ADMIN_HOST,
    metricsPort: s.METRICS_PORT,
    adminToken: s.ADMIN_TOKEN,
    platformApiUrl: s.PLATFORM_API_URL,
    apiAudience: s.API_AUDIENCE,
    accessTokenTtl: s.ACCESS_TOKEN_TTL,
    refreshTokenTtl: s.REFRESH_TOKEN_TTL,
    webhooksAllowPrivateAddresses: s.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES,
    keysDir: s.KEYS_DIR,
    cookieKeys: s.COOKIE_KEYS,
    logLevel: s.LOG_LEVEL,
    demo: s.DEMO ?? s.NODE_ENV !== 'production',
    gatewayMaxBodyBytes: s.GATEWAY_MAX_BODY_BYTES,
    upstreamTimeoutMs: s.UPSTREAM_TIMEOUT_MS,
    trustedProxies: s.TRUSTED_PROXIES,
    webhookRetryScheduleMs: s.WEBHOOK_RETRY_SCHEDULE,
    revocationStalenessMs: s.REVOCATION_STALENESS_MS,
    revocationAckTimeoutMs: s.REVOCATION_ACK_TIMEOUT_MS,
  };
}

/** Parsed settings; `invalid` keys fell back to their defaults and have a problem each. */
export interface ParsedSettings {
  settings: Settings;
  invalid: ReadonlySet<SettingKey>;
  problems: Problem[];
}

/**
 * Parses the merged raw values (unset keys absent). Each bad key is one problem,
 * `<where(key)>: expected …, got …`, secrets never echoed.
 */
export function parseSettings(
  raw: Partial<Record<SettingKey, unknown>>,
  where: (key: SettingKey) => string,
): ParsedSettings {
  const first = settingsSchema.safeParse(raw);
  if (first.success) return { settings: toSettings(first.data), invalid: new Set(), problems: [] };
  const invalid = new Set(first.error.issues.map((issue) => issue.path[0] as SettingKey));
  const problems = SETTING_KEYS.filter((key) => invalid.has(key)).map((key) => ({
    path: where(key),
    message: `expected ${EXPECTED[key]}, got ${shown(key, raw[key])}`,
  }));
  const valid = Object.fromEntries(
    Object.entries(raw).filter(([key]) => !invalid.has(key as SettingKey)),
  );
  return { settings: toSettings(settingsSchema.parse(valid)), invalid, problems };
}
