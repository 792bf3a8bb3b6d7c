import createClient, { Client, Middleware } from 'openapi-fetch';
import { pathSerializer, type ApiPaths as paths } from '@behalf/contracts';

/** The Behalf REST API, typed from its committed OpenAPI document (`apps/api/openapi.json`). */
export type BehalfClient = Client<paths>;
export type { ApiPaths as BehalfPaths } from '@behalf/contracts';

export interface BehalfClientOptions {
  /** Behalf's base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /**
   * The bearer credential of each request: an API key (`bhk_…`) for admin scripts, or a function
   * answering the current token (the runtime passes its backend or impersonation token).
   */
  credential?: string | (() => Promise<string> | string);
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Called with each 401 answer and the token it refused (the runtime drops a cached token). */
  onUnauthorized?: (token: string) => void;
}

/**
 * A typed client of the Behalf API (`openapi-fetch`): `client.GET('/api/v1/datasets')` and so on,
 * with request and answer types generated from the OpenAPI document.
 *
 * @example
 * const behalf = createBehalfClient({ url: 'http://127.0.0.1:3000', credential: process.env.BEHALF_API_KEY! });
 * const { data, error } = await behalf.GET('/api/v1/users', { params: { query: { limit: 50 } } });
 */
export function createBehalfClient(options: BehalfClientOptions): BehalfClient {
  const client = createClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    fetch: options.fetch,
    pathSerializer,
    // Streamed uploads (a dataset file from a Node stream) need half-duplex requests.
    requestInitExt: { duplex: 'half' },
  });
  const tokens = new WeakMap<Request, string>();
  const auth: Middleware = {
    async onRequest({ request }) {
      if (options.credential === undefined) return request;
      const token = typeof options.credential === 'string' ? options.credential : await options.credential();
      tokens.set(request, token);
      request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ request, response }) {
      const token = tokens.get(request);
      if (response.status === 401 && token) options.onUnauthorized?.(token);
      return response;
    },
  };
  client.use(auth);
  return client;
}
