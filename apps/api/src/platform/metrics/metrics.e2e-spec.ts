import { startTestApp, TestApp } from '../../../test/harness';

describe('GET /metrics', () => {
  describe('without BEHALF_METRICS_TOKEN', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('serves Prometheus text with request counts and latency by route and status, and process metrics', async () => {
      await t.app.inject({ method: 'GET', url: '/healthz' });
      await t.app.inject({ method: 'GET', url: '/no-such-thing' });
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.body).toContain('behalf_http_requests_total{method="GET",route="/healthz",status="200"} 1');
      expect(res.body).toContain('behalf_http_requests_total{method="GET",route="unmatched",status="404"} 1');
      expect(res.body).toMatch(/behalf_http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz",status="200"\}/);
      expect(res.body).toContain('process_cpu_user_seconds_total');
      expect(res.body).toContain('nodejs_eventloop_lag_seconds');

      // Counted once per request however often it is scraped; the count and the histogram agree.
      await t.app.inject({ method: 'GET', url: '/healthz' });
      await t.app.inject({ method: 'GET', url: '/metrics' });
      const again = await t.app.inject({ method: 'GET', url: '/metrics' });
      expect(again.body).toContain('behalf_http_requests_total{method="GET",route="/healthz",status="200"} 2');
      expect(again.body).toContain('behalf_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 2');
      expect(again.body).toContain('behalf_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/healthz",status="200"} 2');
    });
  });

  describe('with BEHALF_METRICS_TOKEN set', () => {
    const token = 'metrics-token-0123456789abcdef';
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { BEHALF_METRICS_TOKEN: token } });
    });
    afterAll(() => t.close());

    it.each([
      ['no Authorization header', undefined],
      ['a wrong token', 'Bearer metrics-token-0123456789abcdeX'],
      ['a prefix of the token', 'Bearer metrics-token'],
      ['the token without the Bearer scheme', token],
    ])('refuses %s with a 401 problem', async (_label, authorization) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode).toBe(401);
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="behalf-metrics"');
      expect(res.json()).toMatchObject({ type: 'https://behalf.dev/problems/unauthenticated', status: 401 });
    });

    it('serves the metrics with the right token, and never logs it', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('behalf_http_requests_total');
      expect(t.logs.text).not.toContain(token);
    });
  });
});
