import { RequestMethod } from '@nestjs/common';
import { INTERCEPTORS_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { startTestApp, TestApp } from '../../../test/harness';
import { routeHandlers } from './write-route-interceptors';

/** Every route of the application as `METHOD path → kinds of write interceptor it runs`. */
function interceptorsByRoute(t: TestApp): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const { controller, handler, method } of routeHandlers(t.app)) {
    const kinds = ((Reflect.getMetadata(INTERCEPTORS_METADATA, handler) as { kind?: string }[] | undefined) ?? []).map((i) => i.kind ?? 'other');
    const path = `/${String(Reflect.getMetadata(PATH_METADATA, controller))}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`;
    routes.set(`${RequestMethod[method]} ${path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1')}`, kinds);
  }
  return routes;
}

/**
 * The write interceptors are attached per route, not globally: every write runs in one
 * transaction, with the cache bump outside it, unless it declares otherwise; reads and the
 * declared hot paths run none (Nest's interceptor chain is a measurable share of a request).
 */
describe('write-route interceptors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  it('wraps every write in a transaction unless it declares its own, with the cache bump outside', () => {
    const routes = interceptorsByRoute(t);
    expect(routes.get('POST /api/v1/groups')).toEqual(['localWrites', 'transaction']);
    expect(routes.get('PATCH /api/v1/webapps/:id/settings')).toEqual(['localWrites', 'transaction']);
    expect(routes.get('DELETE /api/v1/users/:id')).toEqual(['localWrites', 'transaction']);
    // Declares its own transactions (batches), but changes keys: its cache bump stays.
    expect(routes.get('POST /api/v1/admin/kek/rewrap')).toEqual(['localWrites']);
    const writes = [...routes].filter(([route]) => !route.startsWith('GET '));
    expect(writes.length).toBeGreaterThan(30);
    for (const [, kinds] of writes) expect(kinds.every((k) => k === 'localWrites' || k === 'transaction')).toBe(true);
  });

  it('runs no interceptor on reads and on the hot paths that declare both', () => {
    const routes = interceptorsByRoute(t);
    const reads = [...routes].filter(([route]) => route.startsWith('GET '));
    expect(reads.length).toBeGreaterThan(20);
    expect(reads.filter(([, kinds]) => kinds.length > 0)).toEqual([]);
    expect(routes.get('POST /oauth/token')).toEqual([]);
    expect(routes.get('POST /api/v1/runtime/auth-info')).toEqual([]);
    expect(routes.get('POST /api/v1/runtime/identity-token')).toEqual([]);
  });
});
