import type { HealthStatus } from '@behalf/contracts';
import { z } from 'zod';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const healthSchema = z.object({ status: z.literal('ok') }) satisfies z.ZodType<HealthStatus>;
