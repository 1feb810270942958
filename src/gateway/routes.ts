// The route table (config/routes.json): method(s) + path pattern → required scope +
// upstream. Checked once when loaded — unknown scope or upstream, bad pattern, and
// overlapping (hence unreachable) routes are all named — then matched per request.
import type { Problem } from '../errors/index.ts';
import { isWriteScope, type ScopeCatalogue } from '../scopes/index.ts';

export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type Method = (typeof METHODS)[number];

/**
 * A path pattern: literal segments, `:name` for exactly one segment, and a final `**`
 * for zero or more segments (`/api/content/**` matches `/api/content` and below).
 */
export interface Route {
  id: string;
  methods: Method[];
  pattern: string;
  scope: string;
  upstream: string;
  /** Forward the client's Authorization header (off by default). */
  forwardAuthorization: boolean;
}

export interface RouteTable {
  upstreams: Record<string, string>;
  routes: Route[];
}

type Part = { kind: 'literal'; value: string } | { kind: 'param' } | { kind: 'rest' };

export interface CompiledRoute extends Route {
  parts: Part[];
  upstreamUrl: string;
  /** A write route (its scope is a write scope): review-only writes are staged. */
  write: boolean;
}

const SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=@-]+$/;

function compilePattern(pattern: string): Part[] | string {
  if (!pattern.startsWith('/')) return 'must start with "/"';
  const raw = pattern === '/' ? [] : pattern.slice(1).split('/');
  const parts: Part[] = [];
  for (const [i, seg] of raw.entries()) {
    if (seg === '**') {
      if (i !== raw.length - 1) return '"**" may only be the last segment';
      parts.push({ kind: 'rest' });
    } else if (/^:[a-z_][a-z0-9_]*$/i.test(seg)) parts.push({ kind: 'param' });
    else if (SEGMENT.test(seg) && seg !== '.' && seg !== '..')
      parts.push({ kind: 'literal', value: seg });
    else return `invalid segment "${seg}"`;
  }
  return parts;
}

/** true when some path matches both part lists. */
function overlaps(a: Part[], b: Part[]): boolean {
  const [x, ...xs] = a;
  const [y, ...ys] = b;
  if (!x && !y) return true;
  if (x?.kind === 'rest' || y?.kind === 'rest') return true;
  if (!x || !y) return false;
  if (x.kind === 'literal' && y.kind === 'literal' && x.value !== y.value) return false;
  return overlaps(xs, ys);
}

export function matches(parts: Part[], segments: readonly string[]): boolean {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as Part;
    if (part.kind === 'rest') return true;
    const seg = segments[i];
    if (seg === undefined) return false;
    if (part.kind === 'literal' && part.value !== seg) return false;
  }
  return parts.length === segments.length;
}

/** Validates a parsed routes.json; every problem named with its key path. */
export function compileRoutes(
  input: unknown,
  catalogue: ScopeCatalogue,
): { ok: true; routes: CompiledRoute[] } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const table = input as Partial<RouteTable> | null;
  if (typeof table !== 'object' || table === null) {
    return { ok: false, problems: [{ path: '(file)', message: 'must be a JSON object' }] };
  }
  const upstreams = (table.upstreams ?? {}) as Record<string, unknown>;
  for (const [name, url] of Object.entries(upstreams)) {
    const parsed = typeof url === 'string' ? URL.parse(url) : null;
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash) {
      problems.push({
        path: `upstreams.${name}`,
        message: 'must be an http(s) URL without query or fragment',
      });
    }
  }
  if (!Array.isArray(table.routes) || table.routes.length === 0) {
    problems.push({ path: 'routes', message: 'must be a non-empty list' });
    return { ok: false, problems };
  }
  const compiled: CompiledRoute[] = [];
  for (const [i, r] of (table.routes as Partial<Route>[]).entries()) {
    const at = `routes[${i}]`;
    const id = typeof r.id === 'string' ? r.id : at;
    const methods = Array.isArray(r.methods) ? r.methods : [];
    if (methods.length === 0)
      problems.push({ path: `${at}.methods`, message: 'must list at least one method' });
    for (const m of methods) {
      if (!METHODS.includes(m))
        problems.push({ path: `${at}.methods`, message: `unknown method "${m}"` });
    }
    const parts = typeof r.pattern === 'string' ? compilePattern(r.pattern) : 'must be a string';
    if (typeof parts === 'string') problems.push({ path: `${at}.pattern`, message: parts });
    if (typeof r.scope !== 'string' || !catalogue.has(r.scope)) {
      problems.push({ path: `${at}.scope`, message: `unknown scope "${String(r.scope)}"` });
    }
    const upstreamUrl = typeof r.upstream === 'string' ? upstreams[r.upstream] : undefined;
    if (typeof upstreamUrl !== 'string') {
      problems.push({
        path: `${at}.upstream`,
        message: `unknown upstream "${String(r.upstream)}"`,
      });
    }
    if (typeof parts === 'string' || typeof upstreamUrl !== 'string') continue;
    const route: CompiledRoute = {
      id,
      methods: methods as Method[],
      pattern: r.pattern as string,
      scope: r.scope as string,
      upstream: r.upstream as string,
      forwardAuthorization: r.forwardAuthorization === true,
      parts,
      upstreamUrl: upstreamUrl.replace(/\/$/, ''),
      write: isWriteScope(r.scope as string),
    };
    for (const other of compiled) {
      if (
        route.methods.some((m) => other.methods.includes(m)) &&
        overlaps(route.parts, other.parts)
      ) {
        problems.push({
          path: `${at}.pattern`,
          message: `overlaps route "${other.id}" (${other.pattern}) for a shared method; one of them would be unreachable`,
        });
      }
    }
    compiled.push(route);
  }
  return problems.length ? { ok: false, problems } : { ok: true, routes: compiled };
}

/** The route for a method and decoded path, or undefined (deny by default). */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  segments: readonly string[],
): CompiledRoute | undefined {
  for (const route of routes) {
    if ((route.methods as string[]).includes(method) && matches(route.parts, segments))
      return route;
  }
  return undefined;
}
