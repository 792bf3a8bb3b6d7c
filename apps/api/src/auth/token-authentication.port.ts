import type { Principal } from '../kernel/principal';
import type { Refusal } from '../kernel/refusal';

/**
 * What the guard needs to accept Behalf's own JWTs as API credentials (backend and
 * impersonation tokens): the principal a token stands for now, or why it does not hold. Declared
 * here and provided by the runtime, which holds the run and policy facts; the composition root
 * binds the two, so auth imports nothing above it.
 */
export interface TokenAuthenticationPort {
  authenticate(token: string): Promise<{ principal: Principal } | { refused: Refusal; via: 'backend_token' | 'impersonation_token' }>;
}

export const TOKEN_AUTHENTICATOR = Symbol('TOKEN_AUTHENTICATOR');
