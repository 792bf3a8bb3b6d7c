import { PROBLEM_CONTENT_TYPE } from '@behalf/contracts';
import { ProbeModule } from '../../../test/fixtures/probe.module';
import { startTestApp, TestApp } from '../../../test/harness';

const validBody = { name: 'n', count: 1, owner: { email: 'a@example.com' } };

describe('HTTP errors are RFC 9457 problems', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ extraModules: [ProbeModule], env: { BEHALF_BODY_LIMIT: '1024' } });
  });
  afterAll(() => t.close());

  function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, type: string) {
    expect(res.statusCode).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ type: `https://behalf.dev/problems/${type}`, status });
    expect(typeof body.title).toBe('string');
    expect(typeof body.detail).toBe('string');
    expect(body.instance).toBe(`urn:behalf:request:${String(res.headers['x-request-id'])}`);
    return body;
  }

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/no/such/route' });
    expectProblem(res, 404, 'not-found');
  });

  it('answers a URL the router cannot read, or an overlong path segment, with a 400 problem', async () => {
    const unreadable = await t.app.inject({ method: 'GET', url: '/api/v1/users/%zz' });
    expectProblem(unreadable, 400, 'bad-request');
    // The router answers it before any hook runs; it carries what every answer does all the same.
    expect(unreadable.headers).toMatchObject({
      'cache-control': 'no-store',
      'cross-origin-resource-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
    });
    expect(unreadable.headers['x-request-id']).toMatch(/\S/);
    const long = expectProblem(await t.app.inject({ method: 'GET', url: `/api/v1/users/${'x'.repeat(2049)}` }), 400, 'bad-request');
    expect(long.detail).toBe('A path segment of the URL is longer than 2048 characters.');
  });

  it('answers an unknown method on a known path with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/healthz' });
    expectProblem(res, 404, 'not-found');
  });

  it('answers invalid fields with a 400 problem listing each field path', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/__probe/echo',
      payload: { name: '', count: 1.5, owner: { email: 'nope' } },
    });
    const body = expectProblem(res, 400, 'validation-failed');
    const errors = body.errors as { path: string; message: string }[];
    expect(errors.map((e) => e.path).sort()).toEqual(['body.count', 'body.name', 'body.owner.email']);
    expect(errors.find((e) => e.path === 'body.owner.email')?.message).toBe('expected an email address');
    expect(errors.find((e) => e.path === 'body.name')?.message).toBe('expected a non-empty name');
  });

  it('answers a missing body on a JSON route with a 400 problem', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/__probe/echo' });
    const body = expectProblem(res, 400, 'validation-failed');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'body' })]);
  });

  it('answers invalid query parameters with a 400 problem naming the parameter', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/__probe/list?limit=9999' });
    const body = expectProblem(res, 400, 'validation-failed');
    expect(body.errors).toEqual([expect.objectContaining({ path: 'query.limit' })]);
    const ok = await t.app.inject({ method: 'GET', url: '/__probe/list?limit=7' });
    expect(ok.json()).toEqual({ limit: 7 });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/__probe/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "x",',
    });
    expectProblem(res, 400, 'malformed-body');
  });

  it('answers an empty JSON body with a 400 problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/__probe/echo',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expectProblem(res, 400, 'malformed-body');
  });

  it('refuses prototype-poisoning JSON with a 400 problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/__probe/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"x","count":1,"owner":{"email":"a@example.com"},"__proto__":{"admin":true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  });

  it('answers an unsupported media type with a 415 problem', async () => {
    for (const contentType of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/__probe/echo',
        headers: { 'content-type': contentType },
        payload: 'name=x',
      });
      expectProblem(res, 415, 'unsupported-media-type');
    }
  });

  it('answers a body over the configured limit with a 413 problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/__probe/echo',
      payload: { ...validBody, name: 'x'.repeat(2000) },
    });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('accepts a valid body just under the limit', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/__probe/echo', payload: validBody });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual(validBody);
  });

  it('answers an unexpected exception with a bare 500 problem and logs the cause with the request id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/__probe/boom', headers: { 'x-request-id': 'trace-500' } });
    const body = expectProblem(res, 500, 'internal');
    expect(Object.keys(body).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
    expect(res.body).not.toMatch(/10\.1\.2\.3|password|stack|at .*\.ts/);
    const logged = t.logs.records.find((r) => r.reqId === 'trace-500' && r.level === 'error');
    expect(logged).toBeDefined();
    expect(JSON.stringify(logged)).toContain('10.1.2.3');
  });
});

describe('request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('honours and echoes a sane X-Request-Id', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123.def:4' } });
    expect(res.headers['x-request-id']).toBe('abc-123.def:4');
    expect(t.logs.records.some((r) => r.reqId === 'abc-123.def:4')).toBe(true);
  });

  it('writes one access line per request: id, method, redacted URL, status and time', async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/nowhere?token=secret-value-1', headers: { 'x-request-id': 'access-line-1' } });
    const lines = t.logs.records.filter((r) => r.reqId === 'access-line-1');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'request completed',
        req: expect.objectContaining({ method: 'GET', url: expect.stringMatching(/^\/api\/v1\/nowhere\?token=/) }),
        res: { statusCode: 404 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(t.logs.text).not.toContain('secret-value-1');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline escape', 'a%0Ab'],
    ['with quotes', '"x"'],
  ])('replaces an X-Request-Id %s with a generated one', async (_label, supplied) => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': supplied } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates a request id when none is sent, a different one per request', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/healthz' });
    const b = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });
});

describe('problem content type', () => {
  it('is the RFC 9457 media type', () => {
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
  });
});
