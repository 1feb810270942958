// The two ways a multi-key change runs atomically: a Lua script (by SHA, falling back to
// EVAL once on a fresh Redis) or a MULTI whose per-command errors are surfaced.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script and its SHA1, as EVALSHA names it. */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

/** Wraps Lua source; the source should start with its KEYS/ARGV header comment. */
export function luaScript(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** Runs a script atomically on the server; keys are declared, args are plain values. */
export async function runScript(
  client: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return client.eval(script.lua, keys.length, ...keys, ...args);
  }
}

/**
 * Runs a MULTI and throws the first failed command's error (EXEC itself does not reject);
 * else its commands' replies, in order.
 */
export async function execMulti(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
  const replies = await multi.exec();
  if (replies === null) throw new Error('Redis transaction aborted');
  for (const [err] of replies) if (err) throw err;
  return replies.map(([, value]) => value);
}
