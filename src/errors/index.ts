// One error type for every edge: an OAuth-style code, an HTTP status and whether the
// description may leave the process. Serialized in one place (see `toBody`).

/** One named problem with an input, e.g. `{ path: 'auth.scopes[1]', message: 'unknown scope "x:read"' }`. */
export interface Problem {
  path: string;
  message: string;
}

export interface ScopegateErrorInit {
  status: number;
  error: string;
  description: string;
  details?: Problem[];
  /** false: the description is internal; clients see `server_error` only. */
  expose?: boolean;
  cause?: unknown;
}

export class ScopegateError extends Error {
  readonly status: number;
  readonly error: string;
  readonly details: Problem[] | undefined;
  readonly expose: boolean;

  constructor(init: ScopegateErrorInit) {
    super(init.description, { cause: init.cause });
    this.name = 'ScopegateError';
    this.status = init.status;
    this.error = init.error;
    this.details = init.details;
    this.expose = init.expose ?? init.status < 500;
  }
}

/** 400 listing every problem found in one pass. */
export function invalidRequest(description: string, details?: Problem[]): ScopegateError {
  return new ScopegateError({ status: 400, error: 'invalid_request', description, details });
}

export function notFound(what: string): ScopegateError {
  return new ScopegateError({ status: 404, error: 'not_found', description: `${what} not found` });
}

export function conflict(description: string): ScopegateError {
  return new ScopegateError({ status: 409, error: 'conflict', description });
}

export interface ErrorBody {
  error: string;
  error_description: string;
  details?: Problem[];
}

/** The JSON body for any thrown value; unexposed errors become a bare `server_error`. */
export function toBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof ScopegateError && err.expose) {
    const body: ErrorBody = { error: err.error, error_description: err.message };
    if (err.details?.length) body.details = err.details;
    return { status: err.status, body };
  }
  return {
    status: 500,
    body: { error: 'server_error', error_description: 'internal error' },
  };
}
