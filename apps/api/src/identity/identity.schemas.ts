import type { Group, GroupMember, User } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
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
  permissions: z.object({ admin: z.boolean(), mayCreateWebapps: z.boolean(), mayManageDatasets: z.boolean(), gateway: z.boolean() }),
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
