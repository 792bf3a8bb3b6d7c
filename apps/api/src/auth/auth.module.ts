import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { CREDENTIAL_REVOKER } from '../identity/credential-revocation.port';
import { IdentityModule } from '../identity/identity.module';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthenticationGuard } from './authentication.guard';
import { CredentialRevoker } from './credential-revoker.service';
import { LoginThrottleRepository } from './login-throttle.repository';
import { SessionCookies } from './session-cookies';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';
import { ApiKeyStrategy, BearerTokenStrategy, SessionStrategy } from './strategies';

/**
 * Login, sessions, API keys, the passport strategies and the one global guard. Global for two
 * exports: the credential revoker that identity changes call through the port they declare, and
 * the session cookies the authorization endpoint and the runtime read. Tokens
 * are judged through TOKEN_AUTHENTICATOR, which the runtime provides (bound by the composition root).
 */
@Global()
@Module({
  imports: [PassportModule, IdentityModule],
  controllers: [AuthController, ApiKeysController],
  providers: [
    SessionRepository,
    ApiKeyRepository,
    LoginThrottleRepository,
    SessionService,
    ApiKeyService,
    AuthService,
    CredentialRevoker,
    { provide: CREDENTIAL_REVOKER, useExisting: CredentialRevoker },
    SessionCookies,
    SessionStrategy,
    ApiKeyStrategy,
    BearerTokenStrategy,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [CREDENTIAL_REVOKER, SessionCookies, SessionService, ApiKeyService, AuthService, ApiKeyRepository],
})
export class AuthModule {}
