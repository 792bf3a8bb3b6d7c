import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PROBLEM_KINDS, ProblemCode } from '@behalf/contracts';
import { sortKeys } from '../../common/canonical-json';
import { PROBLEM_SCHEMA_NAME, problemContent } from '../http/api-problems.decorator';

const problemSchema = {
  type: 'object',
  description: 'An RFC 9457 problem document.',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'Names the problem kind; stable.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What went wrong with this request.' },
    instance: { type: 'string', description: 'The request id, as `urn:behalf:request:<id>`.' },
    errors: {
      type: 'array',
      description: 'Present on validation failures: one entry per invalid field.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

type Operation = { requestBody?: unknown; responses?: Record<string, unknown> };

function addProblem(operation: Operation, code: ProblemCode): void {
  const status = String(PROBLEM_KINDS[code].status);
  operation.responses ??= {};
  operation.responses[status] ??= { description: PROBLEM_KINDS[code].title, content: problemContent };
}

/**
 * The OpenAPI document generated from the code, with the error responses every route shares
 * (500 always; 400, 413 and 415 where a body is accepted) and its keys sorted: deterministic, so
 * the committed copy (apps/api/openapi.json) fails a test whenever it drifts from the code.
 */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Behalf API')
    .setDescription(
      'Control plane for hosted data webapps: who a webapp runs as, who is viewing it, and when it may act on ' +
        "the viewer's behalf. Errors are RFC 9457 problem documents (application/problem+json).",
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: bhk_<id>_<secret>' }, 'api-key')
    .addCookieAuth('behalf_session', { type: 'apiKey', in: 'cookie', description: 'A browser session; writes also need X-CSRF-Token' }, 'session')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'BEHALF_METRICS_TOKEN' }, 'metrics-token')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, [PROBLEM_SCHEMA_NAME]: problemSchema };
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method] as Operation | undefined;
      if (!operation) continue;
      if (operation.requestBody) {
        addProblem(operation, 'validation-failed');
        addProblem(operation, 'payload-too-large');
        addProblem(operation, 'unsupported-media-type');
      }
      addProblem(operation, 'internal');
    }
  }
  return sortKeys(document);
}
