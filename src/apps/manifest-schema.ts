// The shape of `app.json` (DESIGN.md §3) and every rule one field can check alone:
// types, unknown keys, identifiers, scope grammar and catalogue, URL rules, duplicates.
import { z } from 'zod';
import { isScope, type ScopeCatalogue } from '../scopes/index.ts';
import { quoted } from './problems.ts';
import { redirectUriProblems, webhookUrlProblems } from './urls.ts';

const UUID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;
/** `resource/event`, e.g. `content/updated`; the resource as in scopes. */
export const TOPIC = /^([a-z][a-z0-9_-]{0,31})\/[a-z][a-z0-9_.-]{0,63}$/;

const typed = (what: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined ? 'is required' : `must be ${what}`,
});

const text = () => z.string(typed('a string'));

/** Each repeated value is a problem at its later index, naming the first. */
function noDuplicates(at: string) {
  return (list: string[], ctx: z.RefinementCtx) => {
    list.forEach((value, i) => {
      const first = list.indexOf(value);
      if (first !== i)
        ctx.addIssue({ code: 'custom', path: [i], message: `duplicate of ${at}[${first}]` });
    });
  };
}

/** A string element whose problems a function names. */
function checkedText(problems: (value: string) => string[]) {
  return text().superRefine((value, ctx) => {
    for (const message of problems(value)) ctx.addIssue({ code: 'custom', message });
  });
}

function scopeProblems(catalogue: ScopeCatalogue) {
  return (scope: string): string[] => {
    if (!isScope(scope))
      return [`malformed scope ${quoted(scope)} (expected resource:read or resource:write)`];
    return catalogue.has(scope) ? [] : [`unknown scope ${quoted(scope)}`];
  };
}

const topicProblems = (topic: string): string[] =>
  TOPIC.test(topic)
    ? []
    : [`malformed topic ${quoted(topic)} (expected resource/event, e.g. "content/updated")`];

/** The manifest schema for one catalogue and webhook policy. */
export function manifestSchema(ctx: { catalogue: ScopeCatalogue; allowPrivateAddresses: boolean }) {
  const list = (element: z.ZodType<string>) => z.array(element, typed('a list'));
  return z.strictObject(
    {
      uuid: text().regex(
        UUID,
        'must be 2-63 characters of a-z, 0-9 and "-", starting with a letter or digit',
      ),
      name: text()
        .trim()
        .min(1, 'must not be empty')
        .max(100, 'must be at most 100 characters')
        .regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
      auth: z.strictObject(
        {
          scopes: list(checkedText(scopeProblems(ctx.catalogue)))
            .min(1, 'must name at least one scope')
            .superRefine(noDuplicates('auth.scopes')),
          optional_scopes: list(text())
            .superRefine(noDuplicates('auth.optional_scopes'))
            .default([]),
          redirect_uris: list(checkedText(redirectUriProblems))
            .min(1, 'must name at least one redirect URI')
            .superRefine(noDuplicates('auth.redirect_uris')),
          client_type: z
            .enum(['public', 'confidential'], typed('"public" or "confidential"'))
            .default('confidential'),
        },
        typed('an object'),
      ),
      webhooks: z
        .strictObject(
          {
            url: checkedText((url) => webhookUrlProblems(url, ctx.allowPrivateAddresses)),
            topics: list(checkedText(topicProblems)).superRefine(noDuplicates('webhooks.topics')),
          },
          typed('an object'),
        )
        .optional(),
    },
    typed('a JSON object'),
  );
}

export type ParsedManifest = z.output<ReturnType<typeof manifestSchema>>;
