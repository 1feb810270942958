// Gateway refusals as RFC 6750 answers: a status, an OAuth error code, a description
// and, for 401/403, the WWW-Authenticate challenge naming what was wrong.

export class GatewayError extends Error {
  readonly status: number;
  readonly error: string;
  /** The scope a 403 asks for. */
  readonly scope: string | undefined;

  constructor(status: number, error: string, description: string, scope?: string) {
    super(description);
    this.status = status;
    this.error = error;
    this.scope = scope;
  }

  /** The WWW-Authenticate header value, for 401 and 403. */
  challenge(): string | undefined {
    if (this.status !== 401 && this.status !== 403) return undefined;
    const quote = (s: string) => s.replace(/["\\]/g, '');
    const parts = [`Bearer error="${this.error}"`, `error_description="${quote(this.message)}"`];
    if (this.scope) parts.push(`scope="${quote(this.scope)}"`);
    return parts.join(', ');
  }
}

export const invalidToken = (description: string) =>
  new GatewayError(401, 'invalid_token', description);
export const badRequest = (description: string) =>
  new GatewayError(400, 'invalid_request', description);
