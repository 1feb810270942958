// Requests to a listener with the target sent exactly as written (no URL normalising) and
// a deadline on every answer: a status, or status 0 with the transport error's code, so a
// hang or a reset shows up in the figures instead of stalling the test.
import type { Readable } from 'node:stream';
import { type Dispatcher, Pool } from 'undici';

export interface Call {
  method: string;
  /** Path and query, sent as written. */
  path: string;
  headers?: Record<string, string>;
  /** A Buffer is sent with content-length; a stream is sent chunked. */
  body?: Buffer | string | Readable;
}

export interface Answer {
  /** HTTP status, or 0 when no answer came (see `error`). */
  status: number;
  ms: number;
  /** The transport error's code: `timeout`, ECONNRESET, UND_ERR_SOCKET, … */
  error?: string;
  body: string;
}

/** A keep-alive pool to one origin. */
export function pool(origin: string, connections = 8): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 4_000 });
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Sends one request; never rejects. */
export async function send(
  dispatcher: Dispatcher,
  call: Call,
  timeoutMs = 10_000,
): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await dispatcher.request({
      method: call.method as Dispatcher.HttpMethod,
      path: call.path,
      headers: call.headers ?? {},
      body: call.body ?? null,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = await res.body.text();
    return { status: res.statusCode, ms: performance.now() - started, body };
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).name;
    return {
      status: 0,
      ms: performance.now() - started,
      error: TIMEOUT_CODES.has(code) ? 'timeout' : code,
      body: '',
    };
  }
}

/** The status of `GET path` with the bearer token. */
export async function statusOf(
  dispatcher: Dispatcher,
  token: string,
  path = '/api/content/a',
): Promise<number> {
  return (await send(dispatcher, { method: 'GET', path, headers: bearer(token) })).status;
}

export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});
