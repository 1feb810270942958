// Reading url-encoded form fields: one string per name, never an array or object, so a
// repeated or nested field cannot smuggle a different value past a check.
import type { Context } from 'koa';

/** The single string value of a form field; undefined when absent, repeated or not text. */
export function formField(ctx: Context, name: string): string | undefined {
  const body = ctx.request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
