/**
 * What Behalf's server processes share without importing one another (the API, the gateway): the
 * redacting logger, request ids, per-request metrics, RFC 9457 problem answers, constant-time
 * comparison and the server-rendered pages' shell. Node only; never in a browser bundle.
 */
export * from './logger';
export * from './problem';
export * from './redact';
export * from './request-id';
export * from './apps-url';
export * from './env';
export * from './constant-time';
export * from './html';
export * from './metrics';
