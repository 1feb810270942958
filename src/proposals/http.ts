// The byte-level pieces of staging and replaying a write: bounded reads of request and
// response bodies, the request headers a proposal keeps, and a stored request handed to
// the gateway's own forwarding code (Upstreams.forward) as if a client were sending it.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { GatewayError } from '../gateway/errors.ts';

/** The largest request body a review-only write may carry (413 beyond). */
export const PROPOSAL_MAX_BODY_BYTES = 64 * 1024;
/** How much of the target's current representation is kept for the diff. */
export const SNAPSHOT_MAX_BYTES = 64 * 1024;
/** How much of the upstream's answer to a replay is kept. */
export const REPLAY_EXCERPT_BYTES = 8 * 1024;

/**
 * The request headers a proposal keeps for its replay: what the body is and the
 * preconditions the app set (an If-Match still protects against a changed target).
 * Everything else (cookies, authorization, hop-by-hop, identity) is not kept.
 */
export const PROPOSAL_HEADERS: readonly string[] = [
  'accept',
  'accept-language',
  'content-type',
  'content-language',
  'content-encoding',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'idempotency-key',
];

/** The headers of `incoming` that a proposal keeps, one string each. */
export function headersThatMatter(incoming: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of PROPOSAL_HEADERS) {
    const value = incoming[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/**
 * A client's request body, or undefined when it is longer than `limit`: reading stops
 * there and the rest is discarded (never buffered) while the refusal is answered.
 * Rejects when the client goes away mid-body.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    // A client gone mid-body is its own doing: a 400 (logged as such), never a 500.
    const wentAway = () =>
      new GatewayError(400, 'invalid_request', 'the client closed the request mid-body');
    const onError = () => {
      stop();
      reject(wentAway());
    };
    const onClose = () => {
      if (req.complete) return;
      stop();
      reject(wentAway());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The first `limit` bytes of an upstream's answer; the rest is not read (the stream is destroyed). */
export async function readUpTo(
  stream: NodeJS.ReadableStream,
  limit: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (size + buf.length > limit) {
      chunks.push(buf.subarray(0, limit - size));
      discard(stream);
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/** Stops reading an upstream's answer; undici then reports an abort that is expected. */
export function discard(stream: NodeJS.ReadableStream): void {
  const readable = stream as Readable;
  readable.on('error', () => {});
  readable.destroy();
}

/**
 * A stored request as Upstreams.forward reads one: its method, its headers (with the
 * body's length) and its body as a stream. forward() takes an IncomingMessage, of which
 * it uses only these; a narrower parameter type there would make this cast unnecessary.
 */
export function storedRequest(
  method: string,
  headers: Record<string, string>,
  body: Buffer,
): IncomingMessage {
  const stream = Readable.from(body.length ? [body] : []);
  const withLength = body.length ? { ...headers, 'content-length': String(body.length) } : headers;
  return Object.assign(stream, { method, headers: withLength }) as unknown as IncomingMessage;
}
