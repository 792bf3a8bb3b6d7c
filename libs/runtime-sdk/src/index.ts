/**
 * `@behalf/runtime`: what a Node webapp backend uses to know who views it and to act on their
 * behalf within Behalf's grants. See the README for a first webapp.
 */
export { BehalfRuntime } from './runtime';
export type { AuthInfoResult, BehalfRuntimeOptions } from './runtime';
export type { Viewer, HeadersLike, RequestLike } from './viewer';
export { DatasetClient } from './datasets';
export type { FileBody } from './datasets';
export { createBehalfClient } from './api-client';
export type { BehalfClient, BehalfClientOptions, BehalfPaths } from './api-client';
export { behalfExpress, behalfFastify, scopeFor } from './middleware';
export type { MiddlewareOptions, ViewerScope } from './middleware';
export {
  AnonymousViewerError,
  ApiProblemError,
  BehalfError,
  BehalfUnavailableError,
  ConfigurationError,
  IdentityMissingError,
  ImpersonationDeniedError,
  InvalidIdentityError,
  RateLimitedError,
  RunStoppedError,
  ViewerForbiddenError,
  ViewerUnauthenticatedError,
} from './errors';
export type { InvalidIdentityReason } from './errors';
export type { Dataset, DatasetFile } from '@behalf/contracts';
