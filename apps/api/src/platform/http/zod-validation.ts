import { applyDecorators, Body, Param, PipeTransform, Query } from '@nestjs/common';
import { ApiBody, ApiParam, ApiQuery } from '@nestjs/swagger';
import { ProblemFieldError } from '@behalf/contracts';
import { z } from 'zod';
import { hostileText } from './input-text';
import { ProblemError } from '../../kernel/problem';

type Source = 'body' | 'query' | 'params';

/** A UUID in a path, query or body, with the message every endpoint gives. */
export const uuidField = z.uuid({ error: 'expected a UUID' });

/** Turns zod issues into problem field errors whose paths start at the request part. */
export function toFieldErrors(source: Source, issues: readonly z.core.$ZodIssue[]): ProblemFieldError[] {
  return issues.map((issue) => ({
    path: [source, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** The request part with Fastify's wildcard parameter (`*`) under the name OpenAPI gives it, `path`. */
function named(value: unknown, source: Source): unknown {
  if (source !== 'params' || !value || typeof value !== 'object' || !('*' in value)) return value;
  const { '*': path, ...rest } = value as Record<string, unknown>;
  return { ...rest, path };
}

/** Validates one part of a request against a zod schema; 400 `validation-failed` otherwise. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly source: Source,
  ) {}

  transform(value: unknown): z.output<S> {
    const hostile = hostileText(named(value, this.source), this.source);
    if (hostile.length > 0) {
      throw new ProblemError('validation-failed', `The request ${this.source === 'params' ? 'path' : this.source} is invalid.`, hostile);
    }
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new ProblemError(
      'validation-failed',
      `The request ${this.source === 'params' ? 'path' : this.source} is invalid.`,
      toFieldErrors(this.source, parsed.error.issues),
    );
  }
}

/** The OpenAPI 3.0 JSON Schema of a zod schema, as `@nestjs/swagger` expects it. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io }) as Record<string, unknown>;
  return json;
}

/**
 * Applies a method decorator from inside a parameter decorator, so that one decorator both
 * validates a request part and documents it in OpenAPI from the same schema.
 */
function alsoOnMethod(decorator: MethodDecorator): ParameterDecorator {
  return (target, propertyKey) => {
    if (propertyKey === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, propertyKey);
    if (descriptor) decorator(target, propertyKey, descriptor);
  };
}

/** Parameter decorator: the validated body, described in OpenAPI from the same schema. */
export function ValidBody<S extends z.ZodType>(schema: S, description?: string): ParameterDecorator {
  const pipe = Body(new ZodPipe(schema, 'body'));
  const doc = alsoOnMethod(ApiBody({ schema: openApiSchema(schema), description }));
  return (target, propertyKey, index) => {
    pipe(target, propertyKey, index);
    doc(target, propertyKey, index);
  };
}

/** Parameter decorator: the validated query string, each field documented as a parameter. */
export function ValidQuery<S extends z.ZodObject>(schema: S): ParameterDecorator {
  const pipe = Query(new ZodPipe(schema, 'query'));
  const json = openApiSchema(schema) as { properties?: Record<string, object>; required?: string[] };
  const doc = alsoOnMethod(
    applyDecorators(
      ...Object.entries(json.properties ?? {}).map(([name, property]) =>
        ApiQuery({ name, required: json.required?.includes(name) ?? false, schema: property }),
      ),
    ),
  );
  return (target, propertyKey, index) => {
    pipe(target, propertyKey, index);
    doc(target, propertyKey, index);
  };
}

/** Parameter decorator: the validated path parameters, documented in OpenAPI. */
export function ValidParams<S extends z.ZodObject>(schema: S): ParameterDecorator {
  const pipe = Param(new ZodPipe(schema, 'params'));
  const json = openApiSchema(schema) as { properties?: Record<string, object> };
  const doc = alsoOnMethod(
    applyDecorators(...Object.entries(json.properties ?? {}).map(([name, property]) => ApiParam({ name, required: true, schema: property }))),
  );
  return (target, propertyKey, index) => {
    pipe(target, propertyKey, index);
    doc(target, propertyKey, index);
  };
}
