import { randomUUID } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest, RawServerDefault } from 'fastify';
import replyFrom from '@fastify/reply-from';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { AccessLog, AppsUrl, constantTimeEqual, GATEWAY_CALLBACK_PATH, GATEWAY_CLIENT_ID, lazyRequestLogger, Logger, parseAppsUrl } from '@behalf/server';
import { ApiClient } from './api-client';
import { GatewayConfig } from './config';
import { endToEnd, forwardHeaders, gatewayCookies, isCredentialCookie } from './headers';
import { GatewayMetrics } from './metrics';
import { OWN_ANSWER, sendFailure, wantsJson } from './pages';
import { RouteTable } from './routes';
import { pkce, randomState, safeReturnPath, SignInSeal } from './sign-in';
import { ViewerCache } from './viewers';
import { attachWebsockets, WebsocketRelay } from './websockets';

const SIGN_IN_MAX_AGE_SECONDS = 600;
const SIGN_OUT_PATH = '/.behalf/signout';

/** A request body longer than the limit fails its stream (the upstream request is then aborted). */
class BodyLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) done(Object.assign(new Error('request body too large'), { code: 'BODY_LIMIT' }));
    else done(null, chunk);
  }
}

export interface Gateway {
  server: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;
  routes: RouteTable;
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Where a request goes on the run's upstream: its base URL (path included) and the request's path and query. */
export function upstreamUrl(base: string, requestUrl: string): string {
  return `${base.replace(/\/+$/, '')}${requestUrl.startsWith('/') ? requestUrl : `/${requestUrl}`}`;
}

/**
 * The gateway: every webapp at its own origin (`<slug>.<apps domain>`), reached only through
 * here. It decides whether the viewer may view (the API's decision, cached briefly), removes
 * what a client could forge, adds the viewer's identity, and forwards HTTP (undici, streaming
 * both ways) and websockets (every subprotocol) to the webapp's live run.
 */
export function buildGateway(config: GatewayConfig, apiKey: () => string, logger: Logger): Gateway {
  const apps: AppsUrl = parseAppsUrl(config.appsUrl);
  const proto = apps.protocol === 'https:' ? 'https' : 'http';
  const secure = proto === 'https';
  const { session: sessionCookie, signIn: signInCookie } = gatewayCookies(secure);
  const api = new ApiClient(config.apiUrl, apiKey);
  const routes = new RouteTable(api, logger);
  const viewers = new ViewerCache(api, config.recheckMs);
  const metrics = new GatewayMetrics();
  let seal: SignInSeal | undefined;
  const sealer = () => (seal ??= new SignInSeal(apiKey()));

  const server = Fastify({
    loggerInstance: logger,
    // A request's child logger is made only when the request writes a line.
    childLoggerFactory: lazyRequestLogger,
    // One line per request, with its id, method, redacted URL, status and time; never headers.
    logController: new AccessLog(),
    // The gateway's own id for every request (a client's X-Request-Id is one of the headers it replaces).
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: config.bodyLimit,
    // Websockets and long responses (SSE) have no idle cut.
    keepAliveTimeout: 65_000,
    routerOptions: { maxParamLength: 10_000 },
  });
  let websockets: WebsocketRelay | undefined;
  routes.onChange(() => {
    viewers.invalidateAll();
    websockets?.recheck();
  });

  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', (request, payload, done) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > config.bodyLimit) {
      done(Object.assign(new Error('request body too large'), { statusCode: 413 }), undefined);
      return;
    }
    done(null, payload.pipe(new BodyLimit(config.bodyLimit)));
  });
  void server.register(replyFrom, {
    undici: { headersTimeout: config.upstreamTimeoutMs, bodyTimeout: 0, keepAliveTimeout: 4_000, connections: 128 },
    disableRequestLogging: true,
  });

  server.addHook('onResponse', (request, reply, done) => {
    const slug = apps.slugOf(request.headers.host);
    if (slug) metrics.request(routes.get(slug) ? slug : '(unknown)', reply.statusCode);
    done();
  });

  server.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error.statusCode === 413)
      return sendFailure(request, reply, 'payload-too-large', 'Too large', `The request body is larger than ${config.bodyLimit} bytes.`);
    if (error.statusCode !== undefined && error.statusCode < 500)
      return sendFailure(request, reply, 'bad-request', 'Bad request', 'The request could not be read.');
    logger.error({ err: error, req: request }, 'gateway: request failed');
    return sendFailure(request, reply, 'internal', 'Something went wrong', 'The gateway failed to handle this request.');
  });

  // Path=/ for both, the sign-in one included: a `__Host-` cookie must have it.
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };

  function signIn(request: FastifyRequest, reply: FastifyReply, slug: string): FastifyReply {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || wantsJson(request.headers.accept)) {
      return sendFailure(request, reply, 'unauthenticated', 'Sign in', 'Sign in to Behalf to use this webapp: open it in a browser.');
    }
    const { verifier, challenge } = pkce();
    const state = randomState();
    const authorize = new URL(`${config.publicUrl}/oauth/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: GATEWAY_CLIENT_ID,
      redirect_uri: `${apps.originOf(slug)}${GATEWAY_CALLBACK_PATH}`,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString();
    const value = sealer().seal({ state, verifier, returnTo: safeReturnPath(request.url) });
    return reply
      .code(302)
      .headers(OWN_ANSWER)
      .header('set-cookie', serializeCookie(signInCookie, value, { ...cookieOptions, maxAge: SIGN_IN_MAX_AGE_SECONDS }))
      .header('location', authorize.toString())
      .send();
  }

  async function callback(request: FastifyRequest, reply: FastifyReply, slug: string, cookies: Record<string, string | undefined>): Promise<FastifyReply> {
    const query = request.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const pending = sealer().open(cookies[signInCookie]);
    const state = text('state');
    const clear = serializeCookie(signInCookie, '', { ...cookieOptions, maxAge: 0 });
    if (!pending || !state || !constantTimeEqual(state, pending.state)) {
      return sendFailure(request, reply, 'bad-request', 'Sign-in expired', 'This sign-in was not started here or has expired: open the webapp again.', {
        'set-cookie': clear,
      });
    }
    const iss = text('iss');
    if (iss !== undefined && iss !== config.publicUrl)
      return sendFailure(request, reply, 'bad-request', 'Sign-in failed', 'The answer came from another issuer.', { 'set-cookie': clear });
    const error = text('error');
    const code = text('code');
    if (error || !code) {
      const denied = error === 'access_denied';
      return sendFailure(
        request,
        reply,
        denied ? 'forbidden' : 'bad-request',
        denied ? 'Not allowed' : 'Sign-in failed',
        denied ? 'You may not view this webapp.' : 'Behalf refused the sign-in: open the webapp again.',
        { 'set-cookie': clear },
      );
    }
    const result = await api.redeem(code, `${apps.originOf(slug)}${GATEWAY_CALLBACK_PATH}`, pending.verifier);
    if ('error' in result) {
      logger.warn({ webapp: slug, error: result.error }, 'gateway: an authorization code was refused');
      return sendFailure(request, reply, 'bad-request', 'Sign-in failed', 'The sign-in could not be completed: open the webapp again.', {
        'set-cookie': clear,
      });
    }
    return reply
      .code(302)
      .headers(OWN_ANSWER)
      .header('set-cookie', [clear, serializeCookie(sessionCookie, result.access_token, { ...cookieOptions, maxAge: Math.max(1, result.expires_in) })])
      .header('location', pending.returnTo)
      .send();
  }

  async function own(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const path = request.url.split('?')[0];
    if (path === '/healthz') return reply.headers(OWN_ANSWER).send({ status: 'ok' });
    if (path === '/readyz')
      return reply
        .code(routes.loaded ? 200 : 503)
        .headers(OWN_ANSWER)
        .send({ status: routes.loaded ? 'ok' : 'starting' });
    if (path === '/metrics') {
      if (config.metricsToken !== undefined && !constantTimeEqual(request.headers.authorization ?? '', `Bearer ${config.metricsToken}`)) {
        return sendFailure(request, reply, 'unauthenticated', 'Authentication required', 'Send the metrics token as a bearer token.');
      }
      return reply
        .headers(OWN_ANSWER)
        .header('content-type', metrics.registry.contentType)
        .send(await metrics.registry.metrics());
    }
    return sendFailure(request, reply, 'not-found', 'Not found', `Webapps are at ${config.appsUrl.replace('*', '<slug>')}.`);
  }

  server.all('/*', async (request, reply) => {
    const slug = apps.slugOf(request.headers.host);
    if (!slug) return own(request, reply);
    const route = routes.get(slug);
    if (!route) return sendFailure(request, reply, 'not-found', 'No such webapp', `No webapp is called ${slug}.`);
    const cookies = request.headers.cookie ? parseCookies(request.headers.cookie) : {};
    const path = request.url.split('?')[0];
    if (path === GATEWAY_CALLBACK_PATH) return callback(request, reply, slug, cookies);
    if (path === SIGN_OUT_PATH) {
      return sendFailure(request, reply, 'unauthenticated', 'Signed out', 'You are signed out of this webapp.', {
        'set-cookie': serializeCookie(sessionCookie, '', { ...cookieOptions, maxAge: 0 }),
      });
    }
    // Most requests are answered from the held decision at once; the rest wait on the API.
    let decision = viewers.heldForRequest(cookies[sessionCookie], route);
    if (!decision) {
      try {
        decision = await viewers.decideForRequest(cookies[sessionCookie], route);
      } catch (error) {
        logger.warn({ err: error, webapp: slug }, 'gateway: cannot ask the API who views');
        return sendFailure(request, reply, 'service-unavailable', 'Try again shortly', 'The gateway cannot check access right now.', { 'retry-after': '2' });
      }
    }
    if (decision.decision === 'login') return signIn(request, reply, slug);
    if (decision.decision === 'forbid')
      return sendFailure(request, reply, 'forbidden', 'Not allowed', 'You may not view this webapp. Ask its owner for access.');
    if (!route.run)
      return sendFailure(request, reply, 'service-unavailable', 'Webapp not running', `${slug} is not running right now.`, { 'retry-after': '5' });
    if (decision.dropSession) void reply.header('set-cookie', serializeCookie(sessionCookie, '', { ...cookieOptions, maxAge: 0 }));
    const started = process.hrtime.bigint();
    const run = route.run;
    return reply.from(upstreamUrl(run.upstreamUrl, request.url), {
      retryDelay: () => null,
      rewriteRequestHeaders: (req) => {
        const headers = forwardHeaders(req.raw.rawHeaders, {
          issuer: config.publicUrl,
          viewer: decision.viewer ?? null,
          propagation: route.identityPropagation,
          identityToken: decision.identityToken,
          clientIp: req.ip,
          proto,
          host: req.headers.host ?? '',
          requestId: String(req.id),
        });
        // The webapp sees the Host its viewers use (its own checks of Origin against Host hold).
        headers.host = req.headers.host ?? '';
        return headers;
      },
      rewriteHeaders: (upstream) => {
        metrics.upstreamSeconds(slug, Number(process.hrtime.bigint() - started) / 1e9);
        // The upstream's connection is not the viewer's: its Connection, Keep-Alive and the like stay behind.
        const headers = endToEnd(upstream);
        // A backend may not plant or overwrite the gateway's cookies.
        const setCookie = headers['set-cookie'];
        if (setCookie) {
          const kept = (Array.isArray(setCookie) ? setCookie : [setCookie]).filter((c) => !isCredentialCookie(c.split('=', 1)[0]));
          return { ...headers, 'set-cookie': kept };
        }
        return headers;
      },
      onError: (raw, { error }) => {
        const failed = raw as unknown as FastifyReply;
        const cause = (error as Error & { cause?: { code?: string } }).cause;
        const timedOut = (error as { statusCode?: number }).statusCode === 504 || cause?.code === 'UND_ERR_HEADERS_TIMEOUT';
        if (cause?.code === 'BODY_LIMIT') {
          // The rest of the body is still coming: this connection cannot carry another request.
          void sendFailure(request, failed, 'payload-too-large', 'Too large', `The request body is larger than ${config.bodyLimit} bytes.`, {
            connection: 'close',
          });
          return;
        }
        logger.warn({ webapp: slug, code: cause?.code, status: timedOut ? 504 : 502 }, 'gateway: upstream failed');
        if (timedOut) void sendFailure(request, failed, 'gateway-timeout', 'Webapp too slow', `${slug} did not answer within ${config.upstreamTimeoutMs} ms.`);
        else void sendFailure(request, failed, 'bad-gateway', 'Webapp unavailable', `${slug} is not answering.`);
      },
    });
  });

  return {
    server,
    routes,
    async listen() {
      await routes.start();
      websockets = attachWebsockets(server.server, { apps, routes, viewers, metrics, config, logger, proto });
      return server.listen({ host: config.host, port: config.port });
    },
    async close() {
      routes.stop();
      websockets?.close();
      await server.close();
    },
  };
}
