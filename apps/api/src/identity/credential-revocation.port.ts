import type { Db } from '../platform/database/prisma-errors';

/**
 * What identity changes need of authentication: ending every session and API key of a user in
 * the caller's transaction (a new password, a disabled user). Declared here, the lower domain,
 * and provided by auth, so neither module imports the other in a loop.
 */
export interface CredentialRevocationPort {
  revokeAll(userId: string, at: Date, db: Db): Promise<{ sessions: number; apiKeys: number }>;
}

export const CREDENTIAL_REVOKER = Symbol('CREDENTIAL_REVOKER');
