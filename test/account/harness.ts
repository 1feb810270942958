// A running scopegate for the account-page tests, a merchant agent that signs in at
// /account/login, and page helpers.
import { HttpAgent, inputValue, type Page } from '../support/http-agent.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

export interface AccountSystem {
  sys: TestSystem;
  /** Base URL serving /account (the auth server). */
  base: string;
  stop(): Promise<void>;
}

export async function startAccountSystem(): Promise<AccountSystem> {
  const sys = await startTestSystem();
  return { sys, base: sys.issuer, stop: () => sys.stop() };
}

/** The action and CSRF token of the form posting to a path ending in `actionSuffix`. */
export function formFor(page: Page, actionSuffix: string): { action: string; csrf: string } {
  const forms = page.body.split('<form').slice(1);
  const form = forms.find((f) => new RegExp(`action="[^"]*${actionSuffix}"`).test(f));
  if (!form) throw new Error(`no form posting to ${actionSuffix} in ${page.body.slice(0, 400)}`);
  const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
  return {
    action: new URL(action.replaceAll('&amp;', '&'), page.url).href,
    csrf: inputValue(form, 'csrf') ?? '',
  };
}

/** Opens the sign-in page and posts the credentials; returns the response (not followed). */
export async function accountSignIn(
  base: string,
  email: string,
  password: string,
  agent = new HttpAgent(),
  returnTo?: string,
): Promise<{ agent: HttpAgent; res: Page }> {
  const query = returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : '';
  const page = await agent.get(`${base}/account/login${query}`);
  const form = formFor(page, '/account/login');
  const res = await agent.post(form.action, {
    csrf: form.csrf,
    email,
    password,
    return_to: inputValue(page.body, 'return_to') ?? '',
  });
  return { agent, res };
}

/** Text of a page with tags removed and whitespace collapsed, entities decoded minimally. */
export function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The `<article>` of one installation on the apps page. */
export function cardOf(html: string, installationId: string): string {
  const start = html.indexOf(`data-installation="${installationId}"`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</article>', start));
}
