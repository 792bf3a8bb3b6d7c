import type { KekRewrapReport } from '@behalf/contracts';
import { z } from 'zod';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const kekRewrapReportSchema = z.object({
  currentVersion: z.number().int(),
  rewrapped: z.object({ signingKeys: z.number().int(), userSecrets: z.number().int() }),
  failed: z.array(z.object({ record: z.string(), kekVersion: z.number().int(), reason: z.string() })),
  complete: z.boolean(),
}) satisfies z.ZodType<KekRewrapReport>;
