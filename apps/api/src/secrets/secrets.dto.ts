import { SECRET_VALUE_MAX_BYTES } from '@behalf/contracts';
import { z } from 'zod';
import { pageQuery } from '../common/pagination';
import { secretName } from '../webapps/webapps.dto';

const uuid = z.uuid({ error: 'expected a UUID' });

export const mySecretParams = z.object({ name: secretName });
export const userParams = z.object({ id: uuid });
export const userSecretParams = z.object({ id: uuid, name: secretName });
export const listQuery = z.object({ ...pageQuery });

export const putSecretBody = z.strictObject({
  value: z
    .string({ error: 'expected a string' })
    .min(1, 'expected a value')
    .refine((v) => Buffer.byteLength(v, 'utf8') <= SECRET_VALUE_MAX_BYTES, `expected at most ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8`)
    .describe('write-only: no endpoint ever returns it'),
});
