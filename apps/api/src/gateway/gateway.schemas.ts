import type { GatewayRoutes, GatewayViewer } from '@behalf/contracts';
import { WEBAPP_ACCESS } from '@behalf/contracts';
import { z } from 'zod';

export const gatewayRoutesSchema = z.object({
  version: z.string(),
  routes: z.array(
    z.object({
      webappId: z.uuid(),
      slug: z.string(),
      access: z.enum(WEBAPP_ACCESS),
      identityPropagation: z.object({ header: z.boolean(), jwt: z.boolean() }),
      run: z.object({ id: z.uuid(), upstreamUrl: z.string() }).nullable(),
    }),
  ),
}) satisfies z.ZodType<GatewayRoutes>;

export const gatewayViewerSchema = z.object({
  decision: z.enum(['allow', 'login', 'forbid']),
  reason: z.string().optional(),
  viewer: z
    .object({ id: z.uuid(), login: z.string(), displayName: z.string(), email: z.string().nullable(), groups: z.array(z.string()) })
    .nullable()
    .optional(),
  identityToken: z.object({ token: z.string(), expiresAt: z.string() }).optional(),
}) satisfies z.ZodType<GatewayViewer>;
