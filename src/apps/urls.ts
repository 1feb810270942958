// The URL rules of a manifest: redirect URIs are https (http only on the loopback host)
// and exact; webhook URLs are https unless private targets are allowed. No credentials.
import { quoted } from './problems.ts';

/** Hosts on which a redirect URI may use plain http (RFC 8252 loopback redirects). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

function commonProblems(text: string, url: URL): string[] {
  const problems: string[] = [];
  if (url.hash || text.includes('#')) problems.push('must not have a fragment');
  if (url.username || url.password) problems.push('must not carry credentials');
  return problems;
}

/** What is wrong with a redirect URI; empty when it is acceptable. */
export function redirectUriProblems(text: string): string[] {
  const url = URL.parse(text);
  if (!url) return [`${quoted(text)} is not an absolute URL`];
  const problems = commonProblems(text, url);
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname))
      problems.push('must use https (http only for localhost, 127.0.0.1 or [::1])');
  } else if (url.protocol !== 'https:') {
    problems.push('must use https');
  }
  return problems;
}

/** What is wrong with a webhook URL's form (its host is checked separately); empty when fine. */
export function webhookUrlProblems(text: string, allowPrivateAddresses: boolean): string[] {
  const url = URL.parse(text);
  if (!url) return [`${quoted(text)} is not an absolute URL`];
  const problems = commonProblems(text, url);
  const http = url.protocol === 'http:';
  if (url.protocol !== 'https:' && !(http && allowPrivateAddresses)) {
    problems.push(
      http ? 'must use https (http only when private addresses are allowed)' : 'must use https',
    );
  }
  return problems;
}
