import { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { onSendHookHandler } from 'fastify';
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
    .addCookieAuth(
      '__Host-behalf_session',
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'A browser session; writes also need X-CSRF-Token, the __Host-behalf_csrf cookie’s value. In development over plain HTTP the cookies are not Secure and are named behalf_session and behalf_csrf.',
      },
      'session',
    )
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

/**
 * The documentation viewer's Content-Security-Policy. Swagger UI is a large third-party page on the
 * origin that holds the session cookie: its scripts come only from its own files here (no inline
 * script, no eval), it reaches only this origin ("Try it out"; no spec from elsewhere), and nothing
 * may frame it. Its styles stay as it ships them (inline blocks and attributes).
 */
export const API_DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

const API_DOCS_HEADERS = {
  'content-security-policy': API_DOCS_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Serves the OpenAPI document at `/api/docs/openapi.json` and Swagger UI at `/api/docs`, every
 * answer of theirs under {@link API_DOCS_HEADERS}: added to their routes alone as they are
 * registered, so no other route pays for it.
 */
export function serveApiDocs(app: NestFastifyApplication, document: OpenAPIObject): void {
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url !== '/api/docs' && !route.url.startsWith('/api/docs/')) return;
      const headers: onSendHookHandler = (_request, reply, payload, done) => {
        reply.headers(API_DOCS_HEADERS);
        done(null, payload);
      };
      route.onSend = [...(Array.isArray(route.onSend) ? route.onSend : route.onSend ? [route.onSend] : []), headers];
    });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json', raw: ['json'] });
}
