// One HTTP attempt: POST the signed body, bounded by a per-attempt timeout, and reduce the
// answer to a logged outcome (status, latency, the start of the body, Retry-After).
import type { Dispatcher } from 'undici';
import { request } from 'undici';
import { parseRetryAfter } from './schedule.ts';
import type { SignatureHeaders } from './sign.ts';

/** How much of a response body is kept for the log. */
export const LOGGED_BODY_CHARS = 512;
/** Read (and discarded) past the logged part so the connection can be reused; beyond, it is dropped. */
const DRAINED_BYTES = 64 * 1024;

/** What one attempt produced. `statusCode` null: no response (refused, timeout, blocked). */
export interface SendOutcome {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  response: string | null;
  retryAfterMs: number | undefined;
}

export interface SendInput {
  url: string;
  body: string;
  headers: SignatureHeaders;
  timeoutMs: number;
  dispatcher: Dispatcher;
}

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** Keeps the first LOGGED_BODY_CHARS of the body; stops reading after DRAINED_BYTES. */
async function truncatedBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size < LOGGED_BODY_CHARS) kept.push(chunk);
    size += chunk.length;
    if (size > DRAINED_BYTES) {
      body.destroy();
      break;
    }
  }
  const text = Buffer.concat(kept).toString('utf8');
  return text.length > LOGGED_BODY_CHARS || size > LOGGED_BODY_CHARS
    ? `${text.slice(0, LOGGED_BODY_CHARS)}…`
    : text;
}

/** A short, secret-free description of a failure (codes, not stacks). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, 200);
  const code = (err as { code?: unknown }).code;
  const cause = err.cause instanceof Error ? `: ${describeError(err.cause)}` : '';
  const text = typeof code === 'string' ? `${code} ${err.message}` : err.message;
  return `${text}${cause}`.slice(0, 300);
}

/** POSTs one attempt. Never throws: every failure is an outcome. */
export async function send(input: SendInput): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(input.timeoutMs);
  try {
    const res = await request(input.url, {
      method: 'POST',
      dispatcher: input.dispatcher,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'scopegate-webhooks/1',
        ...input.headers,
      },
      body: input.body,
      signal,
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
    });
    const response = await truncatedBody(res.body);
    return {
      statusCode: res.statusCode,
      latencyMs: elapsed(),
      error: null,
      response,
      retryAfterMs: parseRetryAfter(header(res.headers['retry-after'])),
    };
  } catch (err) {
    const error = signal.aborted ? `timed out after ${input.timeoutMs} ms` : describeError(err);
    return {
      statusCode: null,
      latencyMs: elapsed(),
      error,
      response: null,
      retryAfterMs: undefined,
    };
  }
}
