import type { SecuritySettings } from '@behalf/contracts';
import { z } from 'zod';

/** This domain's response shapes, each checked against its contract type (OpenAPI is generated from them). */
export const securitySettingsSchema = z.object({
  allowImpersonatingAdmins: z.boolean(),
  hideAccessTokens: z.boolean(),
  identityTokenLifetimeSeconds: z.number().int(),
  impersonationTokenLifetimeSeconds: z.number().int(),
  backendTokenLifetimeSeconds: z.number().int(),
  maxRunLifetimeSeconds: z.number().int(),
}) satisfies z.ZodType<SecuritySettings>;
