import { SECRET_NAME_PATTERN, SECRET_NAME_RULE, SECRET_VALUE_MAX_BYTES } from '@behalf/contracts';
import { z } from 'zod';
import { uuidField } from '../platform/http/zod-validation';
import { idParams } from '../identity/identity.dto';

/** The name of a user's secret (also in webapps' `secretNames`). */
export const secretName = z.string({ error: 'expected a secret name' }).regex(new RegExp(SECRET_NAME_PATTERN), SECRET_NAME_RULE);

export const mySecretParams = z.object({ name: secretName });
export const userParams = idParams;
export const userSecretParams = z.object({ id: uuidField, name: secretName });

export const putSecretBody = z.strictObject({
  value: z
    .string({ error: 'expected a string' })
    .min(1, 'expected a value')
    .refine((v) => Buffer.byteLength(v, 'utf8') <= SECRET_VALUE_MAX_BYTES, `expected at most ${SECRET_VALUE_MAX_BYTES} bytes of UTF-8`)
    .describe('write-only: no endpoint ever returns it'),
});
