import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject } from '@nestjs/swagger';
import { AppModule, AppModuleOptions } from './app.module';
import { insecureDefaults } from './platform/config/insecure-defaults';
import { projectRoot } from './common/project-root';
import { BehalfFastifyAdapter } from './platform/http/behalf-fastify.adapter';
import { attachWriteInterceptors } from './platform/http/write-route-interceptors';
import { ProblemFilter, replyWithProblem } from './platform/http/problem.filter';
import { MAX_PARAM_LENGTH } from './platform/http/to-problem';
import { requestIdFor } from '@behalf/server';
import { parseFormBodiesOfFlaggedRoutes } from './platform/http/form-body';
import { streamBodiesOfFlaggedRoutes } from './platform/http/streamed-body';
import { AccessLog, lazyRequestLogger, PinoNestLogger } from '@behalf/server';
import { MetricsService } from './platform/metrics/metrics.service';
import { ImpersonatedRequestsAudit } from './runtime/impersonated-requests-audit';
import { buildOpenApiDocument, serveApiDocs } from './platform/openapi/openapi';
import { serveWebConsole } from './platform/http/web-console';

/**
 * What every answer carries unless its route says otherwise. Answers carry tokens, keys, secrets
 * and personal data: no browser or proxy may keep one (the JWKS, discovery and the console's
 * hashed assets say otherwise). Only this origin may load one as a resource (an image, a script, a
 * no-cors fetch): webapps are same-site, so the viewer's cookies go along with such a request from
 * a page of theirs, and without this it could pull the answer into its own process (a Spectre
 * read) or have it sniffed as script.
 */
const EVERY_ANSWER = {
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
} as const;

export const API_VERSION: string = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** Every route each app registered (method, URL pattern, its handler's name), for the permission-map test. */
const registeredRoutes = new WeakMap<object, { method: string; url: string; handler: string }[]>();

export function routesOf(app: NestFastifyApplication): { method: string; url: string; handler: string }[] {
  return registeredRoutes.get(app.getHttpAdapter().getInstance()) ?? [];
}

/**
 * Builds the whole HTTP application, initialised but not listening: `main.ts` listens on it,
 * end-to-end tests drive it with `inject`. Everything that shapes requests and responses is set
 * here so that tests exercise exactly what production serves.
 */
export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { app } = await configureApp(options);
  for (const warning of insecureDefaults(options.config)) options.logger.warn({ insecureDefault: true }, warning);
  try {
    await app.init();
  } catch (error) {
    // A hook failed half way (a wrong key ring, say): release what the others opened
    // (connections, listeners, timers) before reporting, or they outlive the failure.
    await closeApp(app).catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * Shuts down in the order that loses nothing: stop accepting and let in-flight requests finish
 * (Fastify's close), then Nest's hooks: queued audit records commit (before-shutdown), and only
 * then the database pools close (shutdown). Nest's own `close()` would run the hooks first and
 * close the server last, pulling the pools from under requests still running.
 */
export async function closeApp(app: NestFastifyApplication): Promise<void> {
  await app.getHttpAdapter().close();
  await app.close();
}

/**
 * The application with every module, hook and route in place, not yet initialised (no database
 * contact, no bootstrap), with its OpenAPI document.
 */
export async function configureApp(options: AppModuleOptions): Promise<{ app: NestFastifyApplication; document: OpenAPIObject }> {
  const adapter = new BehalfFastifyAdapter({
    loggerInstance: options.logger,
    // A request's child logger is made only when the request writes a line.
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: options.config.http.bodyLimit,
    genReqId: requestIdFor,
    // Our genReqId reads and vets X-Request-Id itself; Fastify must not trust it blindly.
    requestIdHeader: false,
    return503OnClosing: true,
    // One access line per request, not Fastify's two.
    logController: new AccessLog(),
    // X-Forwarded-For is believed only from the proxies named (client addresses feed throttles and audit).
    trustProxy: options.config.trustedProxies.length > 0 ? options.config.trustedProxies : false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors the router raises before any route matches (a bad URL) are problems too.
    // They bypass every hook, so what the onRequest hook sets is set here.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      replyWithProblem(error, request, reply.headers(EVERY_ANSWER).header('x-request-id', request.id)),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), adapter, {
    logger: new PinoNestLogger(options.logger),
    abortOnError: false,
    // Fastify's own JSON parser is kept (with prototype-poisoning protection); Nest's extra
    // url-encoded parser is not wanted.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  const routes: { method: string; url: string; handler: string }[] = [];
  registeredRoutes.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, handler: route.handler.name });
  });
  // Cookies are parsed where they are read (`cookiesOf`), not by a hook on every request.
  await fastify.register(fastifyCookie, { hook: false });
  // Callback-style hooks throughout: an async hook costs every request a promise and its
  // resolution (measured: four async hooks took a third of GET /healthz's CPU).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id).headers(EVERY_ANSWER);
    done();
  });
  // Only JSON bodies are accepted by default; any other media type is a 415 problem.
  // Routes that take raw uploads say so and get the body as a stream instead; the OAuth
  // token endpoint says so and gets its form.
  fastify.removeContentTypeParser(['text/plain']);
  streamBodiesOfFlaggedRoutes(fastify);
  parseFormBodiesOfFlaggedRoutes(fastify);
  app.useGlobalFilters(new ProblemFilter());
  // Write routes get the transaction and cache-bump interceptors (in that nesting: the bump after
  // the commit); reads and declared hot paths run with none.
  attachWriteInterceptors(app, fastify);
  app.get(MetricsService).instrument(fastify);
  app.get(ImpersonatedRequestsAudit).attach(fastify);

  // The console at `/` and every path the API does not own (registered before the documentation,
  // whose own routes are more specific and win).
  await serveWebConsole(fastify, options.config.webDir, options.logger);

  const document = buildOpenApiDocument(app, API_VERSION);
  if (options.config.apiDocs) serveApiDocs(app, document);
  return { app, document };
}
