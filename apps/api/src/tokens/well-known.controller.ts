import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Jwks, OpenIdConfiguration } from '@behalf/contracts';
import { SIGNING_ALGORITHMS, TOKEN_EXCHANGE } from '@behalf/contracts';
import { Public } from '../platform/http/public.decorator';
import { CONFIG, Config } from '../platform/config/config';
import { ApiJsonResponse } from '../platform/http/response-schemas';
import { jwksSchema, openIdConfigurationSchema } from './tokens.schemas';
import { SigningKeys } from './signing-keys.service';

/**
 * Public keys and discovery, for any JOSE library to verify Behalf's tokens. The JWKS may be
 * cached for a minute: far shorter than the pre-publication delay, so verifiers learn a new key
 * before it signs.
 */
@ApiTags('well-known')
@Controller('.well-known')
@Public()
export class WellKnownController {
  constructor(
    private readonly keys: SigningKeys,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'The public signing keys: the active one, pending ones and retired ones inside their overlap window.' })
  @ApiJsonResponse(200, jwksSchema, 'The JSON Web Key Set.')
  jwks(): Promise<Jwks> {
    return this.keys.jwks();
  }

  @Get('openid-configuration')
  @Header('cache-control', 'public, max-age=3600')
  @ApiOperation({ summary: 'Discovery: the issuer, the JWKS and the token endpoint.' })
  @ApiJsonResponse(200, openIdConfigurationSchema, 'The discovery document.')
  discovery(): OpenIdConfiguration {
    const issuer = this.config.http.publicUrl;
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/oauth/token`,
      // For the gateway alone (the first-party client): authorization code with PKCE S256.
      authorization_endpoint: `${issuer}/oauth/authorize`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      grant_types_supported: [TOKEN_EXCHANGE.grantType, 'authorization_code'],
      // The exchange authenticates its client by the actor token (a backend token); the
      // authorization code grant, the gateway, with HTTP Basic and its API key.
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
      id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
      subject_types_supported: ['public'],
    };
  }
}
