// The credential detector of the access policy: does any text of a remediation task ask
// for passwords, keys, tokens or login details? A match stops the task (`credential_request`).
//
// Matching runs on normalised text: camelCase split, lower-cased, every run of anything
// but a-z 0-9 turned into one space (so `api_key`, `API-Key`, `apiKey` all read "api key").
// It errs towards stopping: a false alarm only sends the work to the customer-applied
// path. Words alone that name ordinary site features never match: "token" ("design
// tokens", "CSRF token"), "key" ("key pages"), "secret", "login" ("login page"); nor do
// the password-form phrases of audit findings ("password field", "password page", …).
// English only.
import type { RemediationTask } from './types.ts';

/** A phrase asking for credentials and the task field it was found in. */
export interface CredentialMention {
  /** The task field, e.g. `instructions` or `required_scopes[1]`. */
  field: string;
  /** The matched phrase, normalised. */
  phrase: string;
}

/** Each pattern names one kind of credential, in its normalised spelling. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(?:passwords?|passwd|pass ?phrases?|passcodes?)\b/,
  /\bcredentials?\b/,
  /\b(?:log ?in|logon|sign ?in) (?:details?|info|information|data)\b/,
  /\b(?:api|secret|private|ssh|signing|deploy|gpg|pgp|license) ?keys?\b/,
  /\b(?:secret|aws|iam) access keys?\b/,
  /\b(?:access|auth|authentication|authorization|bearer|refresh|api|oauth|oauth2|session) ?tokens?\b/,
  /\bbearer\b/,
  /\bjwts?\b/,
  /\b(?:client|app|application|consumer|shared|webhook|api|oauth) secrets?\b/,
  /\byour (?:tokens?|secrets?)\b/,
  /\b(?:2fa|mfa|totp|otp|one time|backup|recovery|authenticator|authentication) codes?\b/,
  /\b(?:session|auth|login) cookies?\b/,
  /\b(?:id rsa|id ed25519|pem files?)\b/,
  /\b(?:ssh|sftp|ftp) (?:access|logins?|users?|usernames?|accounts?)\b/,
];

/**
 * Phrases about password *forms* (common audit findings) that ask for nothing. Removed
 * before matching, so "send us the password" still matches next to "password field".
 */
const PASSWORD_FORM_PHRASES =
  /\b(?:forgot(?:ten)? (?:your )?password|password (?:fields?|inputs?|box|forms?|pages?|labels?|strength|meter|reset|protection|protected|policy|requirements|visibility|toggle|autocomplete)|(?:reset|change) password (?:links?|pages?|forms?|buttons?|emails?|flow))\b/g;

/** The text as the patterns read it (see the module header). */
export function normalise(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The first phrase in `text` that asks for credentials, or undefined. */
export function credentialPhrase(text: string): string | undefined {
  const words = normalise(text).replace(PASSWORD_FORM_PHRASES, ' ');
  for (const pattern of CREDENTIAL_PATTERNS) {
    const m = pattern.exec(words);
    if (m) return m[0];
  }
  return undefined;
}

/** Every text of a task the detector reads, with its field name. `app` and `kind` are ids. */
function taskTexts(task: RemediationTask): [string, unknown][] {
  return [
    ['instructions', task.instructions],
    ['target', task.target],
    ['provider', task.provider],
    ['data_purpose', task.data_purpose],
    ['needs_live_write.reason', task.needs_live_write?.reason],
    ...(task.required_scopes ?? []).map((s, i): [string, unknown] => [`required_scopes[${i}]`, s]),
    ...(task.requested_scopes ?? []).map((s, i): [string, unknown] => [
      `requested_scopes[${i}]`,
      s,
    ]),
  ];
}

/** Every field of the task that asks for credentials, in field order. */
export function credentialMentions(task: RemediationTask): CredentialMention[] {
  const mentions: CredentialMention[] = [];
  for (const [field, text] of taskTexts(task)) {
    if (typeof text !== 'string') continue;
    const phrase = credentialPhrase(text);
    if (phrase !== undefined) mentions.push({ field, phrase });
  }
  return mentions;
}
