import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { API_AUDIENCE, TOKEN_EXCHANGE } from '@behalf/contracts';
import type { FastifyRequest } from 'fastify';
import { FormParams } from '../platform/http/form-body';
import { OAuthError } from './oauth-error';

/** A well-formed RFC 8693 token exchange request, as far as its form can tell. */
export interface TokenExchangeRequest {
  subjectToken: string;
  subjectTokenType: typeof TOKEN_EXCHANGE.jwtTokenType | typeof TOKEN_EXCHANGE.sessionTokenType;
  actorToken: string;
}

/** The parsed `application/x-www-form-urlencoded` body; any other body is refused as RFC 6749 §3.2 says. */
export const TokenForm = createParamDecorator((_: unknown, context: ExecutionContext): FormParams => {
  const body = context.switchToHttp().getRequest<FastifyRequest>().body;
  if (!(body instanceof FormParams)) throw new OAuthError('not_a_form');
  return body;
});

/**
 * The token request's form, checked parameter by parameter in this order (which decides the
 * error a request with several faults gets): every parameter RFC 8693 defines; unknown ones
 * (`client_id`, …) are ignored (RFC 6749 §3.2). Several `audience` and `resource` parameters are
 * allowed (RFC 8693 §2.1); each must name the API.
 * @throws OAuthError
 */
export function parseTokenRequest(form: FormParams, issuer: string): TokenExchangeRequest {
  const one = (name: 'grant_type' | 'subject_token' | 'subject_token_type' | 'actor_token' | 'actor_token_type' | 'requested_token_type' | 'scope') => {
    const values = form.values.get(name);
    if (!values) return undefined;
    if (values.length > 1) throw new OAuthError(`repeated_${name}`, `${name} must be sent once.`);
    return values[0] === '' ? undefined : values[0];
  };
  const required = (name: 'grant_type' | 'subject_token' | 'subject_token_type' | 'actor_token' | 'actor_token_type', what: string): string => {
    const value = one(name);
    if (value === undefined) throw new OAuthError(`missing_${name}`, `${name} is required: ${what}.`);
    return value;
  };
  const grantType = required('grant_type', TOKEN_EXCHANGE.grantType);
  if (grantType !== TOKEN_EXCHANGE.grantType) throw new OAuthError('unsupported_grant_type');
  const subjectToken = required('subject_token', 'the viewer’s identity token or session cookie value');
  const subjectTokenType = required('subject_token_type', `${TOKEN_EXCHANGE.jwtTokenType} or ${TOKEN_EXCHANGE.sessionTokenType}`);
  if (subjectTokenType !== TOKEN_EXCHANGE.jwtTokenType && subjectTokenType !== TOKEN_EXCHANGE.sessionTokenType) {
    throw new OAuthError('unsupported_subject_token_type');
  }
  const actorToken = required('actor_token', 'the backend token of the webapp run');
  const actorTokenType = required('actor_token_type', TOKEN_EXCHANGE.jwtTokenType);
  if (actorTokenType !== TOKEN_EXCHANGE.jwtTokenType) throw new OAuthError('unsupported_actor_token_type');
  const requested = one('requested_token_type');
  if (requested !== undefined && requested !== TOKEN_EXCHANGE.accessTokenType) throw new OAuthError('unsupported_requested_token_type');
  for (const audience of form.values.get('audience') ?? []) {
    if (audience !== API_AUDIENCE) throw new OAuthError('invalid_audience');
  }
  for (const resource of form.values.get('resource') ?? []) {
    if (resource !== issuer) throw new OAuthError('invalid_resource', `Tokens are issued for resource ${issuer} only.`);
  }
  if (one('scope') !== undefined) throw new OAuthError('invalid_scope');
  return { subjectToken, subjectTokenType, actorToken };
}
