import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiExtension } from '@nestjs/swagger';
import type { Permission } from '@behalf/contracts';
import { ApiProblems } from './api-problems.decorator';
import type { CredentialKind } from '../../kernel/principal';

export const REQUIRED_PERMISSION = 'behalf:permission';
export const ACCEPTED_CREDENTIALS = 'behalf:credentials';

/** A person's credentials: what every route accepts unless it says otherwise. */
export const PERSON_CREDENTIALS: readonly CredentialKind[] = ['session', 'api_key'];
/** Every credential: a person's, and webapp code's (backend and impersonation tokens). */
export const ANY_CREDENTIAL: readonly CredentialKind[] = ['session', 'api_key', 'backend_token', 'impersonation'];

/**
 * Declares who may call a route: any authenticated principal, or one holding `permission`
 * (admins hold every permission), and with which kinds of credential. By default only a person's
 * (session, API key): backend and impersonation tokens are webapp code, data-plane only, and a
 * route that serves them says so. Also documents the security schemes and the 401/403 problems.
 * Routes without it (and without `@Public()`) still require a person's credential: deny by default.
 */
export function Authenticated(options: { permission?: Permission; credentials?: readonly CredentialKind[] } = {}): MethodDecorator & ClassDecorator {
  const credentials = options.credentials ?? PERSON_CREDENTIALS;
  return applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, options.permission ?? null),
    SetMetadata(ACCEPTED_CREDENTIALS, credentials),
    ApiBearerAuth('api-key'),
    ApiCookieAuth('session'),
    ApiExtension('x-behalf-permission', options.permission ?? 'authenticated'),
    ApiExtension('x-behalf-credentials', [...credentials]),
    ApiProblems('unauthenticated', 'forbidden'),
  );
}
