// How operator commands reach the admin API: URL (flag, else loopback:ADMIN_PORT), token
// (ADMIN_TOKEN, else KEYS_DIR/admin-token in development); failures become CliErrors.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Problem } from '../errors/index.ts';
import { CliError } from './output.ts';

/** Where the admin API is and how to authenticate to it. */
export interface AdminConnection {
  url: string;
  token: string;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
const TIMEOUT_MS = 60_000;

/** `http://127.0.0.1:${ADMIN_PORT or 9090}` (ADMIN_HOST instead when it is a specific address). */
export function defaultAdminUrl(env: NodeJS.ProcessEnv): string {
  const host = env.ADMIN_HOST && !WILDCARD_HOSTS.has(env.ADMIN_HOST) ? env.ADMIN_HOST : '127.0.0.1';
  const port = env.ADMIN_PORT || '9090';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** ADMIN_TOKEN, or outside production the token scopegate keeps in `${KEYS_DIR}/admin-token`. */
export function adminToken(env: NodeJS.ProcessEnv): string {
  if (env.ADMIN_TOKEN) return env.ADMIN_TOKEN;
  const file = resolve(env.KEYS_DIR || 'keys', 'admin-token');
  if (env.NODE_ENV !== 'production' && existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token) return token;
  }
  throw new CliError(
    env.NODE_ENV === 'production'
      ? 'no admin token: set ADMIN_TOKEN'
      : `no admin token: set ADMIN_TOKEN, or start scopegate in development once so that ${file} exists`,
  );
}

/** The connection from the command's `--admin-url` and the environment. */
export function connect(opts: { adminUrl?: string }, env = process.env): AdminConnection {
  const url = (opts.adminUrl ?? defaultAdminUrl(env)).replace(/\/+$/, '');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new CliError(`--admin-url must be an http(s) URL, got "${url}"`);
  }
  return { url, token: adminToken(env) };
}

function unreachable(conn: AdminConnection, err: unknown): CliError {
  const code = (err as { cause?: { code?: unknown } }).cause?.code;
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND'
        ? 'host not found'
        : err instanceof DOMException && err.name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : String((err as { cause?: unknown }).cause ?? err);
  return new CliError(
    `cannot reach the admin API at ${conn.url} (${why}); is scopegate running with the admin role? Set --admin-url or ADMIN_PORT.`,
  );
}

function apiError(status: number, body: unknown): CliError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const description =
    typeof b.error_description === 'string' ? b.error_description : `HTTP ${status}`;
  const details = Array.isArray(b.details) ? (b.details as Problem[]) : [];
  return new CliError(description, {
    code: typeof b.error === 'string' ? b.error : undefined,
    details: details.map((d) => `${d.path}: ${d.message}`),
  });
}

/** Sends a JSON request; resolves with the parsed body of a 2xx answer, else throws CliError. */
export async function adminRequest(
  conn: AdminConnection,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${conn.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${conn.token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw unreachable(conn, err);
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(
      `unexpected answer from ${conn.url}${path}: HTTP ${res.status}, not JSON; is --admin-url the admin listener?`,
    );
  }
  if (!res.ok) throw apiError(res.status, parsed);
  return parsed;
}
