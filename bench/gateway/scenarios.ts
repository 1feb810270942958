// The request mixes of the gateway bench: one warm token, 1,000 distinct tokens rotating
// (dealt out so every connection cycles its own share), and the same with 10 % forged.
import type { Request } from 'autocannon';
import { forge } from './tokens.ts';

/** A read route of config/routes.json (content:read). */
export const PATH = '/api/content/pages/page_1';
export const FORGED_EVERY = 10;

function get(token: string): Request {
  return { method: 'GET', path: PATH, headers: { authorization: `Bearer ${token}` } };
}

/** Every connection sends the same request. */
export function single(token: string): Request[][] {
  return [[get(token)]];
}

/** Token i goes to connection i mod `connections`; each connection cycles its list. */
export function rotating(tokens: readonly string[], connections: number): Request[][] {
  const lists: Request[][] = Array.from({ length: Math.min(connections, tokens.length) }, () => []);
  for (const [i, token] of tokens.entries()) lists[i % lists.length]?.push(get(token));
  return lists;
}

/**
 * Like `rotating`, with every tenth request of each connection's list carrying a forged
 * token (bad signature): 10 % forged on every connection, not 10 % forged connections.
 */
export function rotatingWithForged(tokens: readonly string[], connections: number): Request[][] {
  return rotating(tokens, connections).map((list) =>
    list.map((request, j) => {
      if (j % FORGED_EVERY !== FORGED_EVERY - 1) return request;
      const token = request.headers?.authorization?.slice('Bearer '.length) ?? '';
      return get(forge(token));
    }),
  );
}
