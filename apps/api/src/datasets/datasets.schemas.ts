import type { Dataset, DatasetFile, DatasetGroupPermission, DatasetPermissions } from '@behalf/contracts';
import { DATASET_ACCESS_LEVELS, DATASET_GROUP_ACCESS } from '@behalf/contracts';
import { z } from 'zod';
import { timestamp, uuid, userSummary } from '../platform/http/response-schemas';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
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
