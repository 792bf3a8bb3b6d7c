import { loadConfig } from './config';
import { insecureDefaults, secureCookies } from './insecure-defaults';

const KEK = `1:${Buffer.alloc(32, 1).toString('base64')}`;

describe(insecureDefaults.name, () => {
  it('warns in production of an open /metrics, open /api/docs and a plain-http public URL', () => {
    const config = loadConfig({ NODE_ENV: 'production', BEHALF_KEK: KEK }, '/srv');
    expect(insecureDefaults(config)).toEqual([
      'GET /metrics is open to anyone: set BEHALF_METRICS_TOKEN',
      'GET /api/docs serves the API documentation to anyone: set BEHALF_API_DOCS=off if it should not',
      'BEHALF_PUBLIC_URL (http://127.0.0.1:3000) is not https: tokens and cookies travel in the clear',
    ]);
  });

  it('is quiet once each is closed, and outside production', () => {
    const closed = loadConfig(
      {
        NODE_ENV: 'production',
        BEHALF_KEK: KEK,
        BEHALF_METRICS_TOKEN: 'a-long-random-metrics-token',
        BEHALF_API_DOCS: 'off',
        BEHALF_PUBLIC_URL: 'https://behalf.example.com',
      },
      '/srv',
    );
    expect(insecureDefaults(closed)).toEqual([]);
    expect(insecureDefaults(loadConfig({}, '/srv'))).toEqual([]);
  });
});

describe(secureCookies.name, () => {
  it('marks cookies Secure outside development, and whenever the public URL is https', () => {
    expect(secureCookies(loadConfig({}, '/srv'))).toBe(false);
    expect(secureCookies(loadConfig({ BEHALF_PUBLIC_URL: 'https://behalf.example.com' }, '/srv'))).toBe(true);
    expect(secureCookies(loadConfig({ NODE_ENV: 'test' }, '/srv'))).toBe(true);
  });
});
