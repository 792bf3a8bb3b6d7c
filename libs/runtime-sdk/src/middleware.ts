import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@behalf/contracts';
import type { BehalfClient } from './api-client';
import type { DatasetClient } from './datasets';
import { BehalfError } from './errors';
import type { BehalfRuntime } from './runtime';
import type { Viewer } from './viewer';

/**
 * The runtime bound to one viewer, as the middleware puts it on `req.behalf`: every call made
 * through it runs as that viewer (an impersonation token), within the grants Behalf holds.
 */
export interface ViewerScope {
  viewer: Viewer;
  /** Runs `fn` as the viewer (for several calls, or for `runtime.api` and other code that reads the context). */
  run<T>(fn: () => T | Promise<T>): Promise<T>;
  datasets: Pick<DatasetClient, 'list' | 'find' | 'files' | 'read' | 'readText' | 'write' | 'delete'>;
  /** `fetch` to Behalf's API as the viewer. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** The typed REST client, as the viewer: call it inside `run`. */
  api: BehalfClient;
}

/** Binds `runtime` to `viewer`: the object the middleware puts on `req.behalf`. */
export function scopeFor(runtime: BehalfRuntime, viewer: Viewer): ViewerScope {
  const run = <T>(fn: () => T | Promise<T>) => runtime.asViewer(viewer, fn);
  const d = runtime.datasets;
  return {
    viewer,
    run,
    datasets: {
      list: () => run(() => d.list()),
      find: (name) => run(() => d.find(name)),
      files: (id, options) => run(() => d.files(id, options)),
      read: (id, path) => run(() => d.read(id, path)),
      readText: (id, path) => run(() => d.readText(id, path)),
      write: (id, path, body, options) => run(() => d.write(id, path, body, options)),
      delete: (id, path) => run(() => d.delete(id, path)),
    },
    fetch: (input, init) => run(() => runtime.fetch(input, init)),
    api: runtime.api,
  };
}

export interface MiddlewareOptions {
  /** Let the anonymous viewer of a public webapp through (default true); false answers 401. */
  allowAnonymous?: boolean;
}

/** The RFC 9457 problem a refused request is answered with. */
export function problemOf(error: BehalfError): { status: number; body: Record<string, unknown> } {
  const kind = error.status === 403 ? 'viewer-forbidden' : error.status === 401 ? 'viewer-unauthenticated' : 'service-unavailable';
  const title = error.status === 403 ? 'Viewer may not view this webapp' : error.status === 401 ? 'Viewer not authenticated' : 'Behalf unavailable';
  const status = error.status === 403 || error.status === 401 ? error.status : 503;
  return { status, body: { type: `${PROBLEM_TYPE_BASE}${kind}`, title, status, detail: error.message, code: error.code } };
}

async function resolve(
  runtime: BehalfRuntime,
  req: { headers: Record<string, string | string[] | undefined> },
  options: MiddlewareOptions,
): Promise<ViewerScope> {
  const viewer = await runtime.viewer(req);
  if (viewer.anonymous && options.allowAnonymous === false) throw new BehalfError('Sign in to use this webapp.', 'viewer_anonymous', 401);
  return scopeFor(runtime, viewer);
}

/** What the Express middleware needs of a request and response (no dependency on Express itself). */
interface ExpressLikeRequest {
  headers: Record<string, string | string[] | undefined>;
  viewer?: Viewer;
  behalf?: ViewerScope;
}
interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  type(value: string): ExpressLikeResponse;
  send(body: string): unknown;
}

/**
 * Express middleware: `req.viewer` and `req.behalf` (the runtime bound to that viewer) on every
 * request; a missing or invalid identity answers a 401 problem, one for another webapp a 403.
 *
 * @example
 * app.use(behalfExpress(BehalfRuntime.fromEnv()));
 * app.get('/', async (req, res) => res.send(`Hello ${req.viewer.displayName}`));
 */
export function behalfExpress(runtime: BehalfRuntime, options: MiddlewareOptions = {}) {
  return (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (error?: unknown) => void): void => {
    resolve(runtime, req, options).then(
      (scope) => {
        req.viewer = scope.viewer;
        req.behalf = scope;
        next();
      },
      (error: unknown) => {
        if (!(error instanceof BehalfError)) return next(error);
        const problem = problemOf(error);
        res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body));
      },
    );
  };
}

/** What the Fastify hook needs of a request and reply. */
interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  type(value: string): FastifyLikeReply;
  send(body: string): unknown;
}

/**
 * A Fastify `onRequest` hook: `request.viewer` and `request.behalf` on every request, refusals as
 * for Express.
 *
 * @example
 * app.addHook('onRequest', behalfFastify(BehalfRuntime.fromEnv()));
 * app.get('/', async (request) => `Hello ${request.viewer.displayName}`);
 */
export function behalfFastify(runtime: BehalfRuntime, options: MiddlewareOptions = {}) {
  return async (request: ExpressLikeRequest, reply: FastifyLikeReply): Promise<void> => {
    try {
      const scope = await resolve(runtime, request, options);
      request.viewer = scope.viewer;
      request.behalf = scope;
    } catch (error) {
      if (!(error instanceof BehalfError)) throw error;
      const problem = problemOf(error);
      await reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body));
    }
  };
}
