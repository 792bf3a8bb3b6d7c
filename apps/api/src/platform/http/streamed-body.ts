import { errorCodes, FastifyInstance, FastifyRequest, preParsingHookHandler } from 'fastify';

/**
 * Route config flag (`@RouteConfig({ [STREAMED_BODY]: true })`): the handler gets the request body
 * as a stream, whatever its media type, unparsed and unbuffered, and enforces its own size limit.
 */
export const STREAMED_BODY = 'streamedBody';

const STREAM_MEDIA_TYPE = 'application/x-behalf-streamed-body';

/**
 * Fastify picks a body parser by media type alone, for every route alike, and its JSON parser
 * would buffer (and cap) a JSON file upload. So, for routes that opt in, the media type Fastify
 * parses by is replaced, before parsing, by one whose parser hands the raw stream on. The header
 * as sent stays readable in `request.raw.headers`.
 */
export function streamBodiesOfFlaggedRoutes(fastify: FastifyInstance): void {
  const flagged = (request: FastifyRequest) => (request.routeOptions.config as unknown as Record<string, unknown>)[STREAMED_BODY] === true;
  fastify.addContentTypeParser(STREAM_MEDIA_TYPE, (request, payload, done) =>
    // Sent as such to any other route, it is what it is: a media type no route accepts.
    flagged(request) ? done(null, payload) : done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(STREAM_MEDIA_TYPE), undefined),
  );
  // Only the flagged routes get the hook (routes are registered later, at init), so the others pay nothing.
  fastify.addHook('onRoute', (route) => {
    if ((route.config as Record<string, unknown> | undefined)?.[STREAMED_BODY] !== true) return;
    const own: preParsingHookHandler = (request, _reply, payload, done) => {
      request.headers = { 'content-type': STREAM_MEDIA_TYPE };
      done(null, payload);
    };
    route.preParsing = [...[route.preParsing ?? []].flat(), own];
  });
}
