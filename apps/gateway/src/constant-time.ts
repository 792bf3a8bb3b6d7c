import { createHash, timingSafeEqual } from 'node:crypto';

/** Equality of two secrets in time independent of where they differ (digests first, so lengths do not show). */
export function constantTimeEqualText(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
