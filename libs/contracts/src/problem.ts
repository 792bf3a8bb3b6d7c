/**
 * One field-level validation failure inside a {@link Problem}.
 * `path` is a JSON-pointer-like dotted path into the request (for example `body.email` or
 * `query.limit`); `message` says what was expected.
 */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/**
 * An RFC 9457 problem document, the body of every error the Behalf REST API returns
 * (content type `application/problem+json`).
 */
export interface Problem {
  /** A URI reference naming the problem kind; stable, safe to switch on. */
  type: string;
  /** A short, human-readable summary of the problem kind. */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** A human-readable explanation specific to this occurrence. */
  detail: string;
  /** The request id of the failing request, to quote when reporting it. */
  instance?: string;
  /** Present on validation failures: one entry per invalid field. */
  errors?: ProblemFieldError[];
}

/** The media type of {@link Problem} bodies. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Base of the `type` URIs of Behalf's problems. */
export const PROBLEM_TYPE_BASE = 'https://behalf.dev/problems/';

/**
 * The closed set of problem kinds. Each maps to one HTTP status; `type` is
 * `PROBLEM_TYPE_BASE + code`.
 */
export const PROBLEM_KINDS = {
  'bad-request': { status: 400, title: 'Bad request' },
  'validation-failed': { status: 400, title: 'Validation failed' },
  'malformed-body': { status: 400, title: 'Malformed request body' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  /** Runtime endpoints: the browser request the backend passed on carries no valid viewer credential. */
  'viewer-unauthenticated': { status: 401, title: 'Viewer not authenticated' },
  forbidden: { status: 403, title: 'Forbidden' },
  /** Runtime endpoints: the viewer may not view this webapp (its access setting). */
  'viewer-forbidden': { status: 403, title: 'Viewer may not view this webapp' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'range-not-satisfiable': { status: 416, title: 'Range not satisfiable' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  /** The gateway: the webapp's upstream failed or answered nonsense. */
  'bad-gateway': { status: 502, title: 'Bad gateway' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
  /** The gateway: the webapp's upstream did not answer in time. */
  'gateway-timeout': { status: 504, title: 'Gateway timeout' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_KINDS;
