import { z } from 'zod';
import { ANONYMOUS_SUBJECT } from './runtime';
import { API_AUDIENCE } from './tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string().regex(UUID);
const seconds = z.number().int().nonnegative();

/**
 * The registered claims every JWT Behalf issues carries (RFC 7519 §4.1). The schemas below are
 * what a verifier checks after the signature, `typ`, `iss`, `aud` and times: the shape of the
 * claims Behalf's own code then reads. Unknown claims are kept (a newer issuer may add some).
 */
export const registeredClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  iat: seconds,
  nbf: seconds,
  exp: seconds,
  jti: z.string().min(1),
});
export type RegisteredClaims = z.infer<typeof registeredClaimsSchema>;

/** Claims of a backend token (`typ: behalf-backend+jwt`); `sub` is the run's identity. */
export const backendTokenClaimsSchema = registeredClaimsSchema.extend({
  sub: uuid,
  aud: z.literal(API_AUDIENCE),
  webapp_id: uuid,
  run_id: uuid,
});
export type BackendTokenClaims = z.infer<typeof backendTokenClaimsSchema>;

/** Claims of an identity token (`typ: behalf-id+jwt`): `sub` is the viewer's id (or `anonymous`), `aud` `webapp:<id>`. */
export const identityTokenClaimsSchema = registeredClaimsSchema.extend({
  sub: z.union([uuid, z.literal(ANONYMOUS_SUBJECT)]),
  /** The login, or `Anonymous`. */
  preferred_username: z.string(),
  email: z.string().optional(),
  name: z.string().optional(),
  groups: z.array(z.string()),
});
export type IdentityTokenClaims = z.infer<typeof identityTokenClaimsSchema>;

/** Claims of an impersonation access token (`typ: at+jwt`, RFC 9068): `sub` is the viewer acted as. */
export const impersonationTokenClaimsSchema = registeredClaimsSchema.extend({
  sub: uuid,
  aud: z.literal(API_AUDIENCE),
  /** `webapp:<id>` */
  client_id: z.string(),
  /** Who acts: the run's identity, from that webapp and run (RFC 8693 §4.1). */
  act: z.object({ sub: uuid, login: z.string(), webapp_id: uuid, run_id: uuid }),
});
export type ImpersonationTokenClaims = z.infer<typeof impersonationTokenClaimsSchema>;
