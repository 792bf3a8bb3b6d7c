import { Injectable } from '@nestjs/common';
import type { CredentialRevocationPort } from '../identity/credential-revocation.port';
import { ApiKeyRepository } from './api-key.repository';
import { SessionRepository } from './session.repository';

/**
 * Ends every session of a user and revokes every API key, in the caller's transaction: used when
 * a password changes or a user is disabled. Authentication reads the database on each request,
 * so the effect is immediate on every replica.
 */
@Injectable()
export class CredentialRevoker implements CredentialRevocationPort {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async revokeAll(userId: string, at: Date): Promise<{ sessions: number; apiKeys: number }> {
    const sessions = await this.sessions.deleteForUser(userId);
    const apiKeys = await this.apiKeys.revokeForUser(userId, at);
    return { sessions, apiKeys };
  }
}
