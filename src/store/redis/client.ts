// How scopegate talks to Redis when Redis misbehaves: calls fail within about 1.5 s
// instead of hanging, and the client keeps reconnecting on its own until Redis is back.
import { Redis, type RedisOptions } from 'ioredis';

/** A command without a reply by then rejects ("Command timed out"), queued or in flight. */
export const COMMAND_TIMEOUT_MS = 1500;

/** Upper bound of the delay between reconnection attempts. */
export const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * The options and why:
 * - `enableOfflineQueue: true` — commands issued while connecting (start-up) or during a
 *   short reconnect wait for the connection instead of failing at once;
 * - `commandTimeout` bounds that wait and also a connected-but-silent server (a paused
 *   process, a dead network path), which no socket event would reveal;
 * - `maxRetriesPerRequest: 1` flushes queued commands after the second failed reconnect
 *   attempt, so a refused connection fails calls in well under the command timeout;
 * - `retryStrategy` never gives up (always returns a delay), so the client reconnects by
 *   itself whenever Redis returns.
 * A timed-out write may still be applied later by the server; callers treat it as unknown.
 */
export const CLIENT_OPTIONS: RedisOptions = {
  enableOfflineQueue: true,
  commandTimeout: COMMAND_TIMEOUT_MS,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
};

/** Opens a client for a redis:// URL (localhost:6379 when none is given). */
export function openClient(url: string | undefined, onError: (err: Error) => void): Redis {
  const client = url ? new Redis(url, CLIENT_OPTIONS) : new Redis(CLIENT_OPTIONS);
  client.on('error', onError);
  return client;
}

/** true when Redis answers PING; false (never a rejection) when it does not, or is lost. */
export async function pingClient(client: Redis): Promise<boolean> {
  if (client.status === 'reconnecting' || client.status === 'end') return false;
  try {
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  }
}

/** Quits gracefully when connected (pending replies arrive first), else drops the socket. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

const UNREACHABLE =
  /^(Command timed out|Connection is closed\.?|Stream isn't writeable|connect ECONNREFUSED|Reached the max retries per request limit)/;

/**
 * true for the errors a Redis call fails with while Redis is unreachable or silent (not a
 * bug, not bad input): edges answer them with 503 and a retry hint rather than 500.
 */
export function isStoreUnavailable(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'MaxRetriesPerRequestError' || UNREACHABLE.test(err.message))
  );
}
