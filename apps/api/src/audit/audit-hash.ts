import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';

/** The content of a record that its hash covers: everything but its id and the hashes. */
export interface AuditContent {
  at: Date;
  action: string;
  outcome: string;
  actorUserId: string | null;
  actorLogin: string | null;
  onBehalfOfUserId: string | null;
  onBehalfOfLogin: string | null;
  webappId: string | null;
  targetType: string | null;
  targetId: string | null;
  reason: string | null;
  clientIp: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** The `prevHash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 over the previous record's hash and this record's canonical JSON. Chaining makes any
 * edit, insertion or deletion in the middle of the log detectable from that point on.
 */
export function auditHash(prevHash: string, content: AuditContent): string {
  const canonical = canonicalJson({ ...content, at: content.at.toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}
