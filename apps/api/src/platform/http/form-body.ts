import { errorCodes, FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Route config flag (`@RouteConfig({ [FORM_BODY]: true })`): the route accepts
 * `application/x-www-form-urlencoded` (the OAuth token endpoint). Every other route keeps
 * answering that media type with 415, so no JSON endpoint can be driven by a cross-site form.
 */
export const FORM_BODY = 'formBody';

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** A parsed form: every value of every parameter, in order, so repeated parameters show. */
export class FormParams {
  constructor(readonly values: ReadonlyMap<string, readonly string[]>) {}

  static parse(body: string): FormParams {
    const values = new Map<string, string[]>();
    // WHATWG form decoding: `+` is a space, percent-escapes are UTF-8.
    for (const [name, value] of new URLSearchParams(body)) {
      const seen = values.get(name);
      if (seen) seen.push(value);
      else values.set(name, [value]);
    }
    return new FormParams(values);
  }
}

export function parseFormBodiesOfFlaggedRoutes(fastify: FastifyInstance): void {
  const flagged = (request: FastifyRequest) => (request.routeOptions.config as unknown as Record<string, unknown>)[FORM_BODY] === true;
  fastify.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: 'string' }, (request, body, done) => {
    if (!flagged(request)) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(FORM_MEDIA_TYPE), undefined);
      return;
    }
    done(null, FormParams.parse(body as string));
  });
}
