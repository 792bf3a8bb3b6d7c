import type { OAuthError, TokenExchangeResponse } from '@behalf/contracts';
import { OAUTH_ERRORS, TOKEN_EXCHANGE } from '@behalf/contracts';
import { z } from 'zod';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const tokenExchangeResponseSchema = z.object({
  access_token: z.string().describe('an impersonation access token: a JWT, typ at+jwt'),
  issued_token_type: z.literal(TOKEN_EXCHANGE.accessTokenType),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
}) satisfies z.ZodType<TokenExchangeResponse>;

export const oauthErrorSchema = z.object({
  error: z.enum(OAUTH_ERRORS),
  error_description: z.string(),
  reason: z.string().describe('the catalogue code of the refusal (no_grant, subject_disabled, …): error_description in words'),
}) satisfies z.ZodType<OAuthError>;
