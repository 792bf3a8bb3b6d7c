import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { openApiSchema } from './zod-validation';

/**
 * What every domain's response schemas share: timestamps, UUIDs, pages, and the decorator that
 * documents a JSON answer from a zod schema. Each domain keeps its own shapes beside it
 * (`<domain>/<domain>.schemas.ts`), each checked against its contract type, so the OpenAPI
 * description of every answer is generated from one definition that cannot drift from the
 * TypeScript the clients compile against.
 */
export const timestamp = z.iso.datetime({ offset: true });
export const uuid = z.uuid();
/** A user as other records name them. */
export const userSummary = z.object({ id: uuid, login: z.string() });
/** Who acted, as audit records keep it (null for the system). */
export const who = z.object({ userId: uuid.nullable(), login: z.string().nullable() });
export function pageOf(item: z.ZodType) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional().describe('pass back as `cursor` for the next page') });
}

/** Documents a JSON success response from its zod schema. */
export function ApiJsonResponse(status: number, schema: z.ZodType, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiResponse({ status, description, content: { 'application/json': { schema: openApiSchema(schema, 'output') } } }));
}
