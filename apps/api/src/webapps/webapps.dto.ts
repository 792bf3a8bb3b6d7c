import { IDENTITY_MODES, WEBAPP_ACCESS, WEBAPP_KINDS } from '@behalf/contracts';
import { z } from 'zod';
import { uuidField } from '../http/zod-validation';
import { secretName } from '../secrets/secrets.dto';

const name = z.string({ error: 'expected a name' }).trim().min(1, 'expected 1 to 200 characters').max(200, 'expected 1 to 200 characters');
const kind = z.enum(WEBAPP_KINDS, { error: `expected one of ${WEBAPP_KINDS.join(', ')}` });
const description = z.string({ error: 'expected a description' }).max(2000, 'expected at most 2000 characters');
const bool = z.boolean({ error: 'expected true or false' });

/** Distinct ids, at most `max`. */
const ids = (max: number) =>
  z
    .array(uuidField, { error: 'expected an array of UUIDs' })
    .max(max, `expected at most ${max} ids`)
    .refine((list) => new Set(list.map((id) => id.toLowerCase())).size === list.length, 'expected no id twice')
    .transform((list) => list.map((id) => id.toLowerCase()));

export const webappParams = z.object({ id: uuidField });
export const runParams = z.object({ id: uuidField, runId: uuidField });

export const createWebappBody = z.strictObject({ name, kind, description: description.default('') });

export const updateWebappBody = z.strictObject({
  name: name.optional(),
  kind: kind.optional(),
  description: description.optional(),
  ownerUserId: uuidField.optional().describe('admins only: hands the webapp to another user'),
});

export const patchSettingsBody = z.strictObject({
  identityMode: z.enum(IDENTITY_MODES, { error: `expected one of ${IDENTITY_MODES.join(', ')}` }).optional(),
  runAsUserId: uuidField.nullable().optional().describe('null: the last modifier; only an admin may name another user than themselves'),
  access: z.enum(WEBAPP_ACCESS, { error: `expected one of ${WEBAPP_ACCESS.join(', ')}` }).optional(),
  viewers: z.strictObject({ users: ids(1000).default([]), groups: ids(1000).default([]) }).optional(),
  hideAccessTokens: bool.optional(),
  mountDatasets: bool.optional(),
  identityPropagation: z.strictObject({ header: bool.optional(), jwt: bool.optional() }).optional(),
  allowImpersonation: bool.optional(),
  secretNames: z
    .array(secretName, { error: 'expected an array of secret names, or null for all' })
    .max(200, 'expected at most 200 names')
    .refine((list) => new Set(list).size === list.length, 'expected no name twice')
    .nullable()
    .optional()
    .describe('null: all of the viewer’s secrets'),
});

export const startRunBody = z
  .strictObject({
    upstreamUrl: z
      .url({ protocol: /^https?$/, error: 'expected an absolute http(s) URL' })
      .max(2048, 'expected at most 2048 characters')
      .optional()
      .describe('where the runtime serves the backend, for the proxy'),
  })
  .default({});
