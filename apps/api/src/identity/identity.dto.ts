import { z } from 'zod';
import { nameText } from '../platform/http/input-text';
import { uuidField } from '../platform/http/zod-validation';
import { pageQuery } from '../kernel/pagination';

const login = z
  .string({ error: 'expected a login' })
  .toLowerCase()
  .regex(/^[a-z0-9._@-]{1,64}$/, 'expected 1 to 64 characters of a-z, 0-9, ".", "_", "-" or "@"');
const displayName = nameText('a display name', 200);
const email = z.email({ error: 'expected an email address' }).max(320, 'expected at most 320 characters');
const status = z.enum(['active', 'disabled'], { error: 'expected active or disabled' });
const password = z.string({ error: 'expected a password' }).min(12, 'expected at least 12 characters').max(1024, 'expected at most 1024 characters');

export const createUserBody = z.strictObject({
  login,
  displayName: displayName.optional(),
  email: email.nullable().optional(),
  status: status.optional(),
  password: password.optional(),
});

export const updateUserBody = z.strictObject({
  displayName: displayName.optional(),
  email: email.nullable().optional(),
  status: status.optional(),
  password: password.nullable().optional().describe('null removes the password'),
});

export const listUsersQuery = z.object({
  q: z.string().min(1, 'expected 1 to 200 characters').max(200, 'expected 1 to 200 characters').optional(),
  ...pageQuery,
});

const permissions = z.strictObject({
  admin: z.boolean({ error: 'expected true or false' }).optional(),
  mayCreateWebapps: z.boolean({ error: 'expected true or false' }).optional(),
  mayManageDatasets: z.boolean({ error: 'expected true or false' }).optional(),
  gateway: z.boolean({ error: 'expected true or false' }).optional().describe('the webapp gateway’s service principal'),
});
const groupName = z
  .string({ error: 'expected a name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/, 'expected 1 to 100 letters, digits, spaces, ".", "_" or "-", starting with a letter or digit');
const description = z.string({ error: 'expected a description' }).max(1000, 'expected at most 1000 characters');

export const createGroupBody = z.strictObject({ name: groupName, description: description.optional(), permissions: permissions.optional() });
export const updateGroupBody = z.strictObject({ name: groupName.optional(), description: description.optional(), permissions: permissions.optional() });

export const idParams = z.object({ id: uuidField });
export const memberParams = z.object({ id: uuidField, userId: uuidField });
