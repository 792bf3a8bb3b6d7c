import { DATASET_GROUP_ACCESS, DATASET_NAME_PATTERN } from '@behalf/contracts';
import { z } from 'zod';
import { pageQuery } from '../kernel/pagination';
import { uuidField } from '../platform/http/zod-validation';

const NAME_RULE = 'expected 1 to 64 characters: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
const name = z.string({ error: NAME_RULE }).regex(new RegExp(DATASET_NAME_PATTERN), NAME_RULE);
const description = z.string({ error: 'expected a description' }).max(2000, 'expected at most 2000 characters');

export const datasetParams = z.object({ id: uuidField });
export const groupPermissionParams = z.object({ id: uuidField, groupId: uuidField });

export const createDatasetBody = z.strictObject({ name, description: description.default('') });

export const updateDatasetBody = z.strictObject({
  name: name.optional().describe('renaming moves the dataset’s mount path in runs started afterwards'),
  description: description.optional(),
  ownerUserId: uuidField.optional().describe('admins only: hands the dataset to another user'),
});

export const setGroupPermissionBody = z.strictObject({
  access: z.enum(DATASET_GROUP_ACCESS, { error: `expected one of ${DATASET_GROUP_ACCESS.join(', ')}` }).describe('write implies read'),
});

export const listFilesQuery = z.object({
  ...pageQuery,
  prefix: z.string().optional().describe('only paths that start with this'),
});
