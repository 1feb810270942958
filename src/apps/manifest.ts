// Validation of an app's `app.json` (DESIGN.md §3): every problem at once with its key
// path — shape, scopes, optional scopes, topics, redirect URIs, the webhook target.
import type { Problem } from '../errors/index.ts';
import type { ScopeCatalogue } from '../scopes/index.ts';
import { crossFieldProblems } from './manifest-rules.ts';
import { manifestSchema, type ParsedManifest } from './manifest-schema.ts';
import { problemsFromIssues } from './problems.ts';
import type { AppManifest } from './types.ts';
import { type HostLookup, nonPublicHostProblem } from './webhook-target.ts';

/** What a manifest is checked against. */
export interface ManifestContext {
  catalogue: ScopeCatalogue;
  /** WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: http and non-public webhook hosts allowed. */
  allowPrivateAddresses: boolean;
  /** Resolves a host name to its addresses (default: the system resolver, all families). */
  lookup?: HostLookup;
}

export type ManifestResult =
  | { ok: true; manifest: AppManifest }
  | { ok: false; problems: Problem[] };

/** The webhook host's problem, when the URL is well-formed enough to have a host. */
async function webhookHostProblems(input: unknown, ctx: ManifestContext): Promise<Problem[]> {
  if (ctx.allowPrivateAddresses) return [];
  const webhooks =
    typeof input === 'object' && input !== null
      ? (input as { webhooks?: unknown }).webhooks
      : undefined;
  const raw =
    typeof webhooks === 'object' && webhooks !== null
      ? (webhooks as { url?: unknown }).url
      : undefined;
  const url = typeof raw === 'string' ? URL.parse(raw) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) return [];
  const problem = await nonPublicHostProblem(url.hostname, ctx.lookup);
  return problem ? [{ path: 'webhooks.url', message: problem }] : [];
}

function toManifest(parsed: ParsedManifest): AppManifest {
  const manifest: AppManifest = {
    uuid: parsed.uuid,
    name: parsed.name,
    auth: {
      scopes: parsed.auth.scopes,
      optional_scopes: parsed.auth.optional_scopes,
      redirect_uris: parsed.auth.redirect_uris,
      client_type: parsed.auth.client_type,
    },
  };
  if (parsed.webhooks)
    manifest.webhooks = { url: parsed.webhooks.url, topics: parsed.webhooks.topics };
  return manifest;
}

/**
 * Validates a parsed `app.json`. Reports every problem at once, each with its key path
 * (`auth.scopes[2]`, `webhooks.topics[0]`); fills `optional_scopes` ([]) and `client_type`
 * (`confidential`). Resolves the webhook host unless private addresses are allowed; a
 * resolver failure is a problem, never a throw.
 */
export async function validateManifest(
  input: unknown,
  ctx: ManifestContext,
): Promise<ManifestResult> {
  const parsed = manifestSchema(ctx).safeParse(input);
  const problems = [
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues)),
    ...crossFieldProblems(input),
    ...(await webhookHostProblems(input, ctx)),
  ];
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, manifest: toManifest(parsed.data) };
}
