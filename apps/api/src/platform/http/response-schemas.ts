import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type {
  AuthInfo,
  ImpersonationEvent,
  IssuedIdentityToken,
  OAuthError,
  TokenExchangeResponse,
  ApiKey,
  AuditEvent,
  AuditVerification,
  CreatedApiKey,
  Dataset,
  DatasetFile,
  DatasetGroupPermission,
  DatasetPermissions,
  Group,
  GroupMember,
  HealthStatus,
  ImpersonationDecision,
  ImpersonationGrant,
  Jwks,
  KekRewrapReport,
  KeyRotation,
  Me,
  OpenIdConfiguration,
  RefreshedBackendToken,
  SecretConsent,
  SecretInfo,
  SecuritySettings,
  StartedRun,
  User,
  Webapp,
  WebappRun,
  WebappSettingsView,
} from '@behalf/contracts';
import {
  DATASET_ACCESS_LEVELS,
  DATASET_GROUP_ACCESS,
  IDENTITY_MODES,
  IMPERSONATION_REASONS,
  OAUTH_ERRORS,
  TOKEN_EXCHANGE,
  PERMISSIONS,
  RUN_AS_SOURCES,
  SIGNING_ALGORITHMS,
  WEBAPP_ACCESS,
  WEBAPP_KINDS,
} from '@behalf/contracts';
import { z } from 'zod';
import { openApiSchema } from './zod-validation';

/**
 * The response shapes of the API as zod schemas, each checked against its contract type, so the
 * OpenAPI description of every answer is generated from one definition that cannot drift from
 * the TypeScript the clients compile against.
 */
const timestamp = z.iso.datetime({ offset: true });
const uuid = z.uuid();
const permission = z.enum(PERMISSIONS);

export const healthSchema = z.object({ status: z.literal('ok') }) satisfies z.ZodType<HealthStatus>;

export const userSchema = z.object({
  id: uuid,
  login: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  status: z.enum(['active', 'disabled']),
  hasPassword: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<User>;

export const groupSchema = z.object({
  id: uuid,
  name: z.string(),
  description: z.string(),
  permissions: z.object({ admin: z.boolean(), mayCreateWebapps: z.boolean(), mayManageDatasets: z.boolean() }),
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<Group>;

export const groupMemberSchema = z.object({
  userId: uuid,
  login: z.string(),
  displayName: z.string(),
  status: z.enum(['active', 'disabled']),
  addedAt: timestamp,
}) satisfies z.ZodType<GroupMember>;

export const meSchema = z.object({
  id: uuid,
  login: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  groups: z.array(z.string()),
  permissions: z.array(permission),
}) satisfies z.ZodType<Me>;

export const apiKeySchema = z.object({
  id: uuid,
  name: z.string(),
  userId: uuid,
  prefix: z.string(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
}) satisfies z.ZodType<ApiKey>;

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('bhk_<id>_<secret>: shown in this answer only'),
}) satisfies z.ZodType<CreatedApiKey>;

const who = z.object({ userId: uuid.nullable(), login: z.string().nullable() });
export const auditEventSchema = z.object({
  id: z.string().describe('decimal, increasing in chain order'),
  at: timestamp,
  action: z.string(),
  outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed']),
  actor: who,
  onBehalfOf: who.nullable(),
  webappId: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  reason: z.string().nullable(),
  clientIp: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
}) satisfies z.ZodType<AuditEvent>;

export const auditVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenId: z.string().optional(),
}) satisfies z.ZodType<AuditVerification>;

export function pageOf(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional().describe('pass back as `cursor` for the next page') });
}

/** Documents a JSON success response from its zod schema. */
export function ApiJsonResponse(status: number, schema: z.ZodType, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiResponse({ status, description, content: { 'application/json': { schema: openApiSchema(schema, 'output') } } }));
}

export const securitySettingsSchema = z.object({
  allowImpersonatingAdmins: z.boolean(),
  hideAccessTokens: z.boolean(),
  identityTokenLifetimeSeconds: z.number().int(),
  impersonationTokenLifetimeSeconds: z.number().int(),
  backendTokenLifetimeSeconds: z.number().int(),
  maxRunLifetimeSeconds: z.number().int(),
}) satisfies z.ZodType<SecuritySettings>;

const groupRef = z.object({ id: uuid, name: z.string() });

export const impersonationGrantSchema = z.object({
  sourceGroup: groupRef,
  targetGroup: groupRef,
  reason: z.string(),
  expiresAt: timestamp.nullable(),
  createdAt: timestamp,
  createdBy: who,
}) satisfies z.ZodType<ImpersonationGrant>;

export const impersonationDecisionSchema = z.object({
  allowed: z.boolean(),
  reason: z.enum(IMPERSONATION_REASONS),
  actor: z.object({ id: uuid, login: z.string() }),
  subject: z.object({ id: uuid, login: z.string() }),
  grant: z.object({ sourceGroup: groupRef, targetGroup: groupRef, reason: z.string(), expiresAt: timestamp.nullable() }).optional(),
}) satisfies z.ZodType<ImpersonationDecision>;

const signingAlgorithm = z.enum(SIGNING_ALGORITHMS);

export const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.enum(['OKP', 'EC']),
      crv: z.enum(['Ed25519', 'P-256']),
      x: z.string(),
      y: z.string().optional(),
      kid: z.string(),
      alg: signingAlgorithm,
      use: z.literal('sig'),
    }),
  ),
}) satisfies z.ZodType<Jwks>;

export const openIdConfigurationSchema = z.object({
  issuer: z.string(),
  jwks_uri: z.string(),
  token_endpoint: z.string(),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  id_token_signing_alg_values_supported: z.array(signingAlgorithm),
  subject_types_supported: z.array(z.string()),
}) satisfies z.ZodType<OpenIdConfiguration>;

export const keyRotationSchema = z.object({
  kid: z.string(),
  alg: signingAlgorithm,
  publishedAt: timestamp,
  activatesAt: timestamp,
  previousKeyUnpublishedAt: timestamp.nullable(),
  revokedKid: z.string().nullable().describe('the previous key, dropped from the JWKS at once (revokePrevious)'),
}) satisfies z.ZodType<KeyRotation>;

const userSummary = z.object({ id: uuid, login: z.string() });

const webappSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('image'), image: z.string() }),
  z.object({ type: z.literal('git'), repository: z.string(), ref: z.string() }),
  z.object({ type: z.literal('bundle'), bundleId: z.string() }),
]);

export const webappSchema = z.object({
  id: uuid,
  name: z.string(),
  kind: z.enum(WEBAPP_KINDS),
  source: webappSourceSchema.nullable(),
  description: z.string(),
  owner: userSummary,
  lastModifiedBy: userSummary,
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<Webapp>;

const runIdentity = z.object({ userId: uuid, login: z.string(), source: z.enum(RUN_AS_SOURCES) });

export const webappSettingsViewSchema = z.object({
  identityMode: z.enum(IDENTITY_MODES),
  runAsUserId: uuid.nullable(),
  runAsPinnedByAdmin: z.boolean(),
  access: z.enum(WEBAPP_ACCESS),
  viewers: z.object({ users: z.array(uuid), groups: z.array(uuid) }),
  hideAccessTokens: z.boolean(),
  mountDatasets: z.boolean(),
  identityPropagation: z.object({ header: z.boolean(), jwt: z.boolean() }),
  allowImpersonation: z.boolean(),
  secretNames: z.array(z.string()).nullable(),
  effectiveRunAs: runIdentity.extend({ status: z.enum(['active', 'disabled', 'deleted']), permissions: z.array(z.string()), explanation: z.string() }),
  effectiveHideAccessTokens: z.boolean(),
}) satisfies z.ZodType<WebappSettingsView>;

export const webappRunSchema = z.object({
  id: uuid,
  webappId: uuid,
  identity: runIdentity,
  startedBy: userSummary,
  upstreamUrl: z.string().nullable(),
  status: z.enum(['active', 'stopped']),
  startedAt: timestamp,
  stoppedAt: timestamp.nullable(),
  stopReason: z.string().nullable(),
  endsAt: timestamp,
}) satisfies z.ZodType<WebappRun>;

export const startedRunSchema = z.object({
  runId: uuid,
  identity: runIdentity,
  source: webappSourceSchema.nullable(),
  backendToken: z.string().describe('a backend token (JWT, typ behalf-backend+jwt): shown in this answer only'),
  expiresAt: timestamp,
  env: z.object({ BEHALF_URL: z.string(), BEHALF_WEBAPP_ID: uuid, BEHALF_RUN_ID: uuid, BEHALF_BACKEND_TOKEN: z.string() }),
  mounts: z.array(z.object({ datasetId: uuid, name: z.string(), path: z.string(), mode: z.enum(['ro', 'rw']) })),
}) satisfies z.ZodType<StartedRun>;

export const refreshedBackendTokenSchema = z.object({
  backendToken: z.string(),
  expiresAt: timestamp,
}) satisfies z.ZodType<RefreshedBackendToken>;

export const secretConsentSchema = z.object({
  webappId: uuid,
  webappName: z.string(),
  names: z.array(z.string()),
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<SecretConsent>;

export const secretInfoSchema = z.object({ name: z.string(), createdAt: timestamp, updatedAt: timestamp }) satisfies z.ZodType<SecretInfo>;

export const kekRewrapReportSchema = z.object({
  currentVersion: z.number().int(),
  rewrapped: z.object({ signingKeys: z.number().int(), userSecrets: z.number().int() }),
  failed: z.array(z.object({ record: z.string(), kekVersion: z.number().int(), reason: z.string() })),
  complete: z.boolean(),
}) satisfies z.ZodType<KekRewrapReport>;

export const datasetSchema = z.object({
  id: uuid,
  name: z.string(),
  description: z.string(),
  owner: userSummary,
  createdAt: timestamp,
  updatedAt: timestamp,
  access: z.enum(DATASET_ACCESS_LEVELS).describe('the caller’s own access'),
}) satisfies z.ZodType<Dataset>;

export const datasetGroupPermissionSchema = z.object({
  groupId: uuid,
  groupName: z.string(),
  access: z.enum(DATASET_GROUP_ACCESS),
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<DatasetGroupPermission>;

export const datasetPermissionsSchema = z.object({
  owner: userSummary,
  groups: z.array(datasetGroupPermissionSchema),
}) satisfies z.ZodType<DatasetPermissions>;

export const datasetFileSchema = z.object({
  path: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  sha256: z.string().describe('hex SHA-256 of the content; the ETag is it in quotes'),
  createdAt: timestamp,
  updatedAt: timestamp,
}) satisfies z.ZodType<DatasetFile>;

export const authInfoSchema = z.union([
  z.object({ authIdentifier: z.literal('Anonymous'), anonymous: z.literal(true) }),
  z.object({
    authIdentifier: z.string().describe("the viewer's login"),
    userId: uuid,
    displayName: z.string(),
    email: z.string().nullable(),
    groups: z.array(z.string()),
    anonymous: z.literal(false),
    secrets: z
      .array(z.object({ name: z.string(), value: z.string() }))
      .optional()
      .describe('with withSecrets, unless hidden: the names the webapp may receive'),
    secretsWithoutConsent: z.array(z.string()).optional().describe('names the webapp may receive that the viewer has not consented to'),
    unreadableSecrets: z.array(z.string()).optional().describe('secrets that exist but do not open (a key-encryption key missing)'),
    secretsHidden: z.literal(true).optional().describe('with withSecrets, when the webapp or global setting hides access tokens'),
  }),
]) satisfies z.ZodType<AuthInfo>;

export const issuedIdentityTokenSchema = z.object({
  token: z.string().describe('a JWT, typ behalf-id+jwt, aud webapp:<id>'),
  expiresAt: timestamp,
}) satisfies z.ZodType<IssuedIdentityToken>;

export const tokenExchangeResponseSchema = z.object({
  access_token: z.string().describe('an impersonation access token: a JWT, typ at+jwt'),
  issued_token_type: z.literal(TOKEN_EXCHANGE.accessTokenType),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
}) satisfies z.ZodType<TokenExchangeResponse>;

export const oauthErrorSchema = z.object({
  error: z.enum(OAUTH_ERRORS),
  error_description: z.string(),
}) satisfies z.ZodType<OAuthError>;

export const impersonationEventSchema = z.object({
  id: z.string(),
  at: timestamp,
  actor: who,
  webappId: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['allowed', 'denied', 'succeeded', 'failed']),
  reason: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  details: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<ImpersonationEvent>;
