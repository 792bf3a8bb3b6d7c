import { API_AUDIENCE, TOKEN_EXCHANGE } from '@behalf/contracts';
import { FormParams } from '../platform/http/form-body';
import { OAuthError } from './oauth-error';
import { parseTokenRequest } from './token-request.form';

const ISSUER = 'https://behalf.example.com';
const VALID = {
  grant_type: TOKEN_EXCHANGE.grantType,
  subject_token: 'S',
  subject_token_type: TOKEN_EXCHANGE.jwtTokenType,
  actor_token: 'A',
  actor_token_type: TOKEN_EXCHANGE.jwtTokenType,
};

const form = (fields: Record<string, string>, extra = '') => FormParams.parse(new URLSearchParams(fields).toString() + extra);

function refusal(params: FormParams): { code: string; error: string; status: number; description: string } {
  try {
    parseTokenRequest(params, ISSUER);
  } catch (error) {
    if (error instanceof OAuthError) return { code: error.code, error: error.error, status: error.status, description: error.description };
    throw error;
  }
  throw new Error('accepted');
}

describe('the token request form', () => {
  it('reads a valid request, ignoring unknown parameters and accepting the API as audience and the issuer as resource', () => {
    expect(parseTokenRequest(form({ ...VALID, client_id: 'x', audience: API_AUDIENCE, resource: ISSUER }), ISSUER)).toEqual({
      subjectToken: 'S',
      subjectTokenType: TOKEN_EXCHANGE.jwtTokenType,
      actorToken: 'A',
    });
  });

  it('names a missing or repeated parameter with its own code', () => {
    const { actor_token: _, ...withoutActor } = VALID;
    expect(refusal(form(withoutActor))).toEqual({
      code: 'missing_actor_token',
      error: 'invalid_request',
      status: 400,
      description: 'actor_token is required: the backend token of the webapp run.',
    });
    expect(refusal(form(VALID, '&scope=a&scope=b'))).toMatchObject({ code: 'repeated_scope', error: 'invalid_request' });
  });

  it('maps each wrong value to its catalogue code and RFC 6749 error', () => {
    expect(refusal(form({ ...VALID, grant_type: 'client_credentials' }))).toMatchObject({ code: 'unsupported_grant_type', error: 'unsupported_grant_type' });
    expect(refusal(form({ ...VALID, audience: 'elsewhere' }))).toMatchObject({ code: 'invalid_audience', error: 'invalid_target' });
    expect(refusal(form({ ...VALID, resource: 'https://evil.example' }))).toMatchObject({
      code: 'invalid_resource',
      description: `Tokens are issued for resource ${ISSUER} only.`,
    });
    expect(refusal(form({ ...VALID, scope: 'read' }))).toMatchObject({ code: 'invalid_scope', error: 'invalid_scope', status: 400 });
  });
});
