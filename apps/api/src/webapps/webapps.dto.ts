import { IDENTITY_MODES, SECRET_NAME_PATTERN, SECRET_NAME_RULE, WEBAPP_ACCESS, WEBAPP_KINDS } from '@behalf/contracts';
import { SLUG_PATTERN, SLUG_RULE } from '@behalf/server';
import { z } from 'zod';
import { nameText } from '../platform/http/input-text';
import { uuidField } from '../platform/http/zod-validation';

const name = nameText('a name', 200);
const slug = z.string({ error: 'expected a slug' }).regex(SLUG_PATTERN, SLUG_RULE);
const kind = z.enum(WEBAPP_KINDS, { error: `expected one of ${WEBAPP_KINDS.join(', ')}` });
const description = z.string({ error: 'expected a description' }).max(2000, 'expected at most 2000 characters');
const bool = z.boolean({ error: 'expected true or false' });
/** A secret name, by the rule the secrets domain applies (shared through the contracts). */
const secretName = z.string({ error: 'expected a secret name' }).regex(new RegExp(SECRET_NAME_PATTERN), SECRET_NAME_RULE);

/** Distinct ids, at most `max`. */
const ids = (max: number) =>
  z
    .array(uuidField, { error: 'expected an array of UUIDs' })
    .max(max, `expected at most ${max} ids`)
    .refine((list) => new Set(list.map((id) => id.toLowerCase())).size === list.length, 'expected no id twice')
    .transform((list) => list.map((id) => id.toLowerCase()));

export const webappParams = z.object({ id: uuidField });
export const runParams = z.object({ id: uuidField, runId: uuidField });

/** One line of text naming a thing to launch: no controls, no spaces around. */
const launchText = (what: string, max: number) => nameText(what, max).refine((t) => !/\s/.test(t), 'must not contain white space');

/** What the runtime launches (DESIGN.md, "Webapp settings"). */
export const webappSource = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('image'), image: launchText('an image reference', 512) }),
    z.strictObject({
      type: z.literal('git'),
      repository: z.url({ protocol: /^(https|ssh|git)$/, error: 'expected an https, ssh or git URL' }).max(2048, 'expected at most 2048 characters'),
      ref: launchText('a branch, tag or commit', 256),
    }),
    z.strictObject({ type: z.literal('bundle'), bundleId: launchText('a bundle id', 256) }),
  ],
  { error: 'expected {type: "image", image}, {type: "git", repository, ref} or {type: "bundle", bundleId}' },
);

export const createWebappBody = z.strictObject({
  name,
  slug: slug.optional().describe('its origin at the gateway is <slug>.<apps domain>; derived from the name when left out'),
  kind,
  description: description.default(''),
  source: webappSource.nullable().default(null),
});

export const updateWebappBody = z.strictObject({
  name: name.optional(),
  slug: slug.optional().describe('moves the webapp to another origin at the gateway (its viewers sign in there again)'),
  kind: kind.optional().describe('how it is launched: changing it makes the caller the last modifier'),
  description: description.optional(),
  source: webappSource.nullable().optional().describe('what the runtime launches: changing it makes the caller the last modifier'),
  ownerUserId: uuidField.optional().describe('admins only: hands the webapp to another user (who it runs as does not change)'),
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
    .describe('null: all of the viewer’s secrets; only admins widen the list (each viewer must consent too)'),
});

export const upstreamBody = z.strictObject({
  url: z
    .string({ error: 'expected a URL' })
    .max(2048, 'expected at most 2048 characters')
    .describe('where the run’s backend listens: loopback or BEHALF_UPSTREAM_NETWORKS'),
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

export const secretNameRequestBody = z.strictObject({
  names: z
    .array(secretName, { error: 'expected an array of secret names' })
    .min(1, 'expected at least one name')
    .max(200, 'expected at most 200 names')
    .refine((list) => new Set(list).size === list.length, 'expected no name twice')
    .describe('the secret names the webapp should be allowed to receive; those it already may are left out'),
});
