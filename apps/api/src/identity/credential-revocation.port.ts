/**
 * What identity changes need of authentication: ending every session and API key of a user in
 * the caller's transaction (the ambient one) (a new password, a disabled user). Declared here, the lower domain,
 * and provided by auth, so neither module imports the other in a loop.
 */
export interface CredentialRevocationPort {
  revokeAll(userId: string, at: Date): Promise<{ sessions: number; apiKeys: number }>;
}

export const CREDENTIAL_REVOKER = Symbol('CREDENTIAL_REVOKER');
