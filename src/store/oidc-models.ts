// Which oidc-provider models hang off a grant, shared by both adapters so that
// revokeByGrantId kills the same records whichever store runs.

/**
 * Models whose records carry a `grantId` and are indexed under it (the set oidc-provider's
 * own memory adapter indexes). Revoking a grant deletes every indexed record, whatever model
 * the call came through.
 */
export const GRANT_BOUND_MODELS: ReadonlySet<string> = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);
