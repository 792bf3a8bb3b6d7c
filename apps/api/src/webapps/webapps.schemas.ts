import type { RefreshedBackendToken, SecretNameRequest, StartedRun, Webapp, WebappRun, WebappSettingsView } from '@behalf/contracts';
import { IDENTITY_MODES, RUN_AS_SOURCES, WEBAPP_ACCESS, WEBAPP_KINDS } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid, userSummary } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */

const webappSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('image'), image: z.string() }),
  z.object({ type: z.literal('git'), repository: z.string(), ref: z.string() }),
  z.object({ type: z.literal('bundle'), bundleId: z.string() }),
]);

export const webappSchema = z.object({
  id: uuid,
  name: z.string(),
  slug: z.string(),
  url: z.string(),
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

export const secretNameRequestSchema = z.object({
  webappId: uuid,
  webappName: z.string(),
  names: z.array(z.string()),
  requestedBy: z.object({ id: uuid.nullable(), login: z.string() }),
  requestedAt: timestamp,
}) satisfies z.ZodType<SecretNameRequest>;
