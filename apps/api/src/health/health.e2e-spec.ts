import { startTestApp, TestApp } from '../../test/harness';
import { routesOf } from '../app';

describe('probes', () => {
  describe('on a migrated database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('GET /healthz answers 200', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect((await t.app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
    });

    it("GET /healthz is answered by Fastify, outside Nest's pipeline, /readyz by Nest", () => {
      const handlerOf = (url: string) => routesOf(t.app).find((route) => route.method === 'GET' && route.url === url)?.handler;
      expect(handlerOf('/healthz')).toBe('servedByFastify');
      expect(handlerOf('/readyz')).not.toBe('servedByFastify');
    });

    it('GET /readyz answers 200', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });
  });

  describe('with a migration pending', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ migrations: ['20261123120000_init', '20991231000000_not_yet_applied'] });
    });
    afterAll(() => t.close());

    it('GET /readyz answers a 503 problem naming the pending migration', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        type: 'https://behalf.dev/problems/service-unavailable',
        status: 503,
        detail: '1 migration(s) pending: 20991231000000_not_yet_applied.',
      });
    });
  });

  describe('with the database unreachable', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
      await t.database.drop();
    });
    afterAll(() => t.close());

    it('GET /healthz still answers 200: it never touches the database', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });

    it('GET /readyz answers a 503 problem that leaks no connection detail', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, detail: 'The database is unreachable or has no migration history.' });
      expect(res.body).not.toContain(t.database.name);
    });
  });
});
