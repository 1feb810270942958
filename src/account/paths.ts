// Where the /account pages send a merchant: the sign-in URL with its return path, and
// which return paths are accepted (only /account pages, so sign-in is no open redirect).

/** The connected-apps page. */
export const APPS_PATH = '/account/apps';
/** The /account sign-in page. */
export const LOGIN_PATH = '/account/login';

const SAFE_RETURN = /^\/(account|reports)\/[A-Za-z0-9_\-/.]{0,200}$/;

/** `value` when it is an /account or /reports page path without dot-segments, else the apps page. */
export function safeReturnTo(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !SAFE_RETURN.test(value) ||
    value.includes('//') ||
    value.includes('..')
  ) {
    return APPS_PATH;
  }
  return value;
}

/** The sign-in page that comes back to `returnTo` afterwards. */
export function loginUrl(returnTo: string): string {
  return `${LOGIN_PATH}?return_to=${encodeURIComponent(safeReturnTo(returnTo))}`;
}

/** The confirmation page (GET) and the action (POST) revoking one installation. */
export function revokePath(installationId: string): string {
  return `${APPS_PATH}/${encodeURIComponent(installationId)}/revoke`;
}
