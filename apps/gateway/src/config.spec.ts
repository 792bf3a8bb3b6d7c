import { insecureDefaults, loadGatewayConfig } from './config';

describe('gateway configuration', () => {
  it('defaults to the API beside it and webapps at *.localhost:3001', () => {
    expect(loadGatewayConfig({}, '/srv')).toEqual({
      env: 'development',
      host: '127.0.0.1',
      port: 3001,
      apiUrl: 'http://127.0.0.1:3000',
      publicUrl: 'http://127.0.0.1:3000',
      appsUrl: 'http://*.localhost:3001',
      apiKey: { file: '/srv/.data/gateway.key' },
      upstreamTimeoutMs: 30_000,
      bodyLimit: 104_857_600,
      recheckMs: 2000,
      logLevel: 'info',
      metricsToken: undefined,
    });
  });

  it('follows the API’s HOST and PORT, and takes every variable', () => {
    const key = `bhk_00000000-0000-4000-8000-000000000000_${'k'.repeat(43)}`;
    expect(
      loadGatewayConfig({
        HOST: '0.0.0.0',
        PORT: '8080',
        BEHALF_GATEWAY_PORT: '9000',
        BEHALF_GATEWAY_API_KEY: key,
        BEHALF_PUBLIC_URL: 'https://behalf.example.com',
      }),
    ).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      apiUrl: 'http://127.0.0.1:8080',
      publicUrl: 'https://behalf.example.com',
      apiKey: { value: key },
    });
  });

  it('names every bad variable, never showing a secret', () => {
    expect(() => loadGatewayConfig({ BEHALF_APPS_URL: 'http://apps.example.com', BEHALF_GATEWAY_API_KEY: 's3cret', BEHALF_GATEWAY_RECHECK_MS: '5' })).toThrow(
      /BEHALF_APPS_URL="http:\/\/apps.example.com": expected http\(s\):\/\/\*\.<domain>[\s\S]*BEHALF_GATEWAY_API_KEY=\(hidden\)[\s\S]*BEHALF_GATEWAY_RECHECK_MS="5": expected a whole number from 100 to 60000/,
    );
    expect(() => loadGatewayConfig({ BEHALF_GATEWAY_API_KEY: 's3cret' })).not.toThrow(/s3cret/);
  });
});

describe(insecureDefaults.name, () => {
  it('warns in production of an open /metrics and plain-http webapp origins', () => {
    expect(insecureDefaults(loadGatewayConfig({ NODE_ENV: 'production' }, '/srv'))).toEqual([
      'GET /metrics on the gateway is open to anyone, and names every webapp: set BEHALF_METRICS_TOKEN',
      "BEHALF_APPS_URL (http://*.localhost:3001) is not https: viewers' gateway sessions travel in the clear, and their cookies are not __Host- ones",
    ]);
  });

  it('is quiet once each is closed, and outside production', () => {
    const closed = { NODE_ENV: 'production', BEHALF_METRICS_TOKEN: 'a-long-random-metrics-token', BEHALF_APPS_URL: 'https://*.apps.example.com' };
    expect(insecureDefaults(loadGatewayConfig(closed, '/srv'))).toEqual([]);
    expect(insecureDefaults(loadGatewayConfig({}, '/srv'))).toEqual([]);
    expect(insecureDefaults(loadGatewayConfig({ NODE_ENV: 'test' }, '/srv'))).toEqual([]);
  });
});
