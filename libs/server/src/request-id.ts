import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a caller-supplied request id may look like: short, printable, no separators to inject. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's `genReqId`: honours `X-Request-Id` when it is a sane value, so ids can be followed
 * across a proxy; anything else (absent, too long, odd characters, repeated) gets a fresh UUID.
 */
export function requestIdFor(request: IncomingMessage): string {
  const supplied = request.headers['x-request-id'];
  return typeof supplied === 'string' && SANE_REQUEST_ID.test(supplied) ? supplied : randomUUID();
}
