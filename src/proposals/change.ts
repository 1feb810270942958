// What a proposal would change, as the merchant reviews it: the target's version at
// staging against what it would be after the write, pretty-printed JSON (keys sorted,
// a PATCH applied as a JSON merge patch) or text, diffed by line. Pure.

import { isObject } from '../json.ts';
import { type DiffLine, lineDiff } from './diff.ts';
import type { Proposal } from './types.ts';

export interface ProposedChange {
  /** How the two sides were read: JSON, plain text, or not shown (not UTF-8 text). */
  format: 'json' | 'text' | 'binary';
  /** What the merchant should know to read the diff right, in words. */
  notes: string[];
  lines: DiffLine[];
  beforeBytes: number;
  afterBytes: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJson(source: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch {
    return { ok: false };
  }
}

type JsonObject = Record<string, unknown>;

/** Sets an own property, `__proto__` included, without touching the prototype. */
function put(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** RFC 7386: `patch` applied to `target` (null removes a member). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: JsonObject = {};
  if (isObject(target)) for (const [k, v] of Object.entries(target)) put(result, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else put(result, k, mergePatch(Object.hasOwn(result, k) ? result[k] : undefined, v));
  }
  return result;
}

/** A JSON value with every object's keys sorted, so key order never shows as a change. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const k of Object.keys(value).sort()) put(out, k, sorted(value[k]));
  return out;
}

const pretty = (value: unknown) => JSON.stringify(sorted(value), null, 2);
const linesOf = (source: string) =>
  source === '' ? [] : source.replace(/\r\n/g, '\n').split('\n');

function snapshotNotes(p: Proposal): string[] {
  const before = p.before;
  if (before.state === 'absent') return ['The target does not exist on the platform yet.'];
  if (before.state === 'not_read') return [`Its current version was not read: ${before.reason}.`];
  return before.truncated
    ? ['Its current version was longer than could be kept; only its start is compared.']
    : [];
}

/** The proposal's change, ready to render. */
export function proposedChange(p: Proposal): ProposedChange {
  const beforeBuf =
    p.before.state === 'current' ? Buffer.from(p.before.body_base64, 'base64') : Buffer.alloc(0);
  const deletes = p.method === 'DELETE';
  const afterBuf = deletes ? Buffer.alloc(0) : Buffer.from(p.body_base64, 'base64');
  const notes = snapshotNotes(p);
  if (deletes) notes.push('A DELETE removes the target.');
  const base = { beforeBytes: beforeBuf.length, afterBytes: afterBuf.length };
  const beforeText = text(beforeBuf);
  const afterText = text(afterBuf);
  if (beforeText === undefined || afterText === undefined) {
    return { ...base, format: 'binary', notes: [...notes, 'The content is not text.'], lines: [] };
  }
  const beforeJson =
    beforeText.trim() === '' ? { ok: true as const, value: undefined } : parseJson(beforeText);
  const afterJson =
    afterText.trim() === '' ? { ok: true as const, value: undefined } : parseJson(afterText);
  if (!beforeJson.ok || !afterJson.ok) {
    return {
      ...base,
      format: 'text',
      notes,
      lines: lineDiff(linesOf(beforeText), linesOf(afterText)),
    };
  }
  let after = afterJson.value;
  if (p.method === 'PATCH' && isObject(beforeJson.value) && isObject(after)) {
    after = mergePatch(beforeJson.value, after);
    notes.push(
      'The PATCH body is applied to the current version as a JSON merge patch (RFC 7386).',
    );
  }
  const side = (v: unknown) => (v === undefined ? [] : linesOf(pretty(v)));
  return { ...base, format: 'json', notes, lines: lineDiff(side(beforeJson.value), side(after)) };
}
