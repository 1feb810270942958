// The merchant's side of an authorization: GET shows sign-in or consent for the pending
// interaction, POST /login signs in, POST /confirm approves or denies. Every form is
// CSRF-checked and bound to the interaction cookie; bad input re-renders with a 4xx.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';
import { accessModeOf } from '../access/mode.ts';
import { startMerchantSession } from '../account/index.ts';
import { readForm } from '../http/body.ts';
import { signIn, signInRefusal } from '../merchants/service.ts';
import { consentPage } from '../pages/consent.ts';
import { errorPage } from '../pages/error.ts';
import { originsOf, sendPage } from '../pages/layout.ts';
import { signInPage } from '../pages/sign-in.ts';
import type { Revoker } from '../revocation/revoke.ts';
import { groupByResource, type ScopeCatalogue } from '../scopes/index.ts';
import type { Store, StoredApp } from '../store/types.ts';
import { planConsent, recordConsent } from './consent.ts';
import { csrfToken, csrfValid } from './csrf.ts';
import { scopeList } from './scope-request.ts';

export interface InteractionDeps {
  provider: Provider;
  store: Store;
  revoker: Revoker;
  catalogue: ScopeCatalogue;
  audience: string;
  csrfKey: string;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

function formValues(ctx: Context, name: string): string[] {
  const v = (ctx.request.body as Record<string, unknown> | undefined)?.[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

const formValue = (ctx: Context, name: string): string | undefined => formValues(ctx, name)[0];

function badRequest(ctx: Context, description: string, status = 400): void {
  sendPage(ctx, { title: 'Error', status, body: errorPage('invalid_request', description) });
}

export function interactionRoutes(deps: InteractionDeps): Router {
  const { provider, store } = deps;
  const router = new Router();
  const form = readForm('16kb');

  async function appOf(details: Details): Promise<StoredApp> {
    const app = await store.apps.get(String(details.params.client_id));
    if (!app) throw new Error('interaction for an unknown client');
    return app;
  }

  async function renderSignIn(
    ctx: Context,
    details: Details,
    extra: { error?: string; email?: string; status?: number } = {},
  ) {
    const app = await appOf(details);
    sendPage(ctx, {
      title: 'Sign in',
      status: extra.status ?? 200,
      formTargets: originsOf(app.manifest.auth.redirect_uris),
      body: signInPage({
        action: `/interaction/${details.uid}/login`,
        csrf: csrfToken(deps.csrfKey, details.uid),
        appName: app.manifest.name,
        ...(extra.error ? { error: extra.error } : {}),
        ...(extra.email ? { email: extra.email } : {}),
      }),
    });
  }

  async function renderConsent(ctx: Context, details: Details, status = 200, error?: string) {
    const app = await appOf(details);
    const merchant = await store.merchants.get(String(details.session?.accountId));
    if (!merchant) return badRequest(ctx, 'your session has ended; start again from the app');
    const requested = scopeList(details.params.scope);
    const optional = new Set(app.manifest.auth.optional_scopes);
    const history = await store.installations.list({ app: app.id, merchant: merchant.id });
    const liveSites = new Set(history.filter((i) => !i.revoked_at).map((i) => i.site));
    const revokedBySite = new Map<string, string>();
    for (const i of history) {
      if (i.revoked_at && !liveSites.has(i.site) && !revokedBySite.has(i.site)) {
        revokedBySite.set(i.site, i.revoked_at);
      }
    }
    const requestedSite = typeof details.params.site === 'string' ? details.params.site : undefined;
    sendPage(ctx, {
      title: `Connect ${app.manifest.name}`,
      status,
      formTargets: originsOf(app.manifest.auth.redirect_uris),
      body: consentPage({
        action: `/interaction/${details.uid}/confirm`,
        csrf: csrfToken(deps.csrfKey, details.uid),
        appName: app.manifest.name,
        appId: app.id,
        merchantEmail: merchant.email,
        groups: groupByResource(requested, deps.catalogue).map((g) => ({
          resource: g.resource,
          scopes: g.entries.map((entry) => ({ entry, optional: optional.has(entry.scope) })),
        })),
        sites: merchant.sites,
        selectedSite: merchant.sites.some((s) => s.id === requestedSite)
          ? requestedSite
          : undefined,
        accessMode: accessModeOf(requested),
        previousRevocations: [...revokedBySite].map(([site, revoked_at]) => ({ site, revoked_at })),
        ...(error ? { error } : {}),
      }),
    });
  }

  router.get('/interaction/:uid', async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'login') return renderSignIn(ctx, details);
    if (details.prompt.name === 'consent') return renderConsent(ctx, details);
    return badRequest(ctx, `unsupported prompt ${details.prompt.name}`);
  });

  router.post('/interaction/:uid/login', form, async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login')
      return badRequest(ctx, 'this sign-in form has expired; start again from the app');
    if (!csrfValid(deps.csrfKey, details.uid, formValue(ctx, 'csrf'))) {
      return badRequest(ctx, 'the form could not be verified; reload the page', 403);
    }
    const email = formValue(ctx, 'email') ?? '';
    const password = formValue(ctx, 'password') ?? '';
    if (!email || !password) {
      return renderSignIn(ctx, details, {
        error: 'Enter your email and password.',
        email,
        status: 400,
      });
    }
    const result = await signIn(store, email, password, ctx.ip);
    if (!result.ok) return renderSignIn(ctx, details, { email, ...signInRefusal(result.reason) });
    // Signing in to install an app also signs the merchant in to /account.
    startMerchantSession(ctx, result.merchant.id);
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: result.merchant.id } },
      { mergeWithLastSubmission: false },
    );
  });

  router.post('/interaction/:uid/confirm', form, async (ctx) => {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'consent')
      return badRequest(ctx, 'this consent form has expired; start again from the app');
    if (!csrfValid(deps.csrfKey, details.uid, formValue(ctx, 'csrf'))) {
      return badRequest(ctx, 'the form could not be verified; reload the page', 403);
    }
    const decision = formValue(ctx, 'decision');
    if (decision === 'deny') {
      return provider.interactionFinished(
        ctx.req,
        ctx.res,
        { error: 'access_denied', error_description: 'the merchant denied the request' },
        { mergeWithLastSubmission: false },
      );
    }
    if (decision !== 'approve') return badRequest(ctx, 'decision must be approve or deny');
    const app = await appOf(details);
    const merchant = await store.merchants.get(String(details.session?.accountId));
    if (!merchant) return badRequest(ctx, 'your session has ended; start again from the app');
    const request = {
      app,
      merchant,
      requested: scopeList(details.params.scope),
      chosenOptional: formValues(ctx, 'scope'),
      site: formValue(ctx, 'site'),
    };
    const { plan, problems } = planConsent(request);
    if (!plan) return renderConsent(ctx, details, 400, problems.map((p) => p.message).join('; '));
    const installation = await recordConsent(
      { provider, store, revoker: deps.revoker, audience: deps.audience },
      request,
      plan,
    );
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { consent: { grantId: installation.id } },
      { mergeWithLastSubmission: true },
    );
  });

  return router;
}
