import { ConfigError, loadConfig } from './config';

const KEY_1 = Buffer.alloc(32, 1).toString('base64');
const KEY_2 = Buffer.alloc(32, 2).toString('base64');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/behalf');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({}, '/srv/behalf');
    expect(config).toEqual({
      env: 'development',
      http: {
        host: '127.0.0.1',
        port: 3000,
        publicUrl: 'http://127.0.0.1:3000',
        bodyLimit: 1_048_576,
        shutdownTimeoutMs: 10_000,
      },
      database: { url: undefined, poolSize: 10, statementTimeoutMs: 5000, acquireTimeoutMs: 5000, transactionTimeoutMs: 15_000 },
      trustedProxies: [],
      gateway: { appsUrl: 'http://*.localhost:3001', upstreamNetworks: [], apiKey: undefined },
      apiDocs: true,
      webDir: '/srv/behalf/dist/apps/web',
      runtimeRatePerSecond: 200,
      dataDir: '/srv/behalf/.data',
      logLevel: 'info',
      metricsToken: undefined,
      sessions: { idleTimeoutSeconds: 3600, absoluteTimeoutSeconds: 43_200 },
      decisionCacheTtlMs: 30_000,
      adminPassword: undefined,
      kek: undefined,
      signingKeys: { alg: 'EdDSA', prepublishSeconds: 600, overlapSeconds: 7200 },
      datasets: { fileMaxBytes: 5_368_709_120, uploadIdleTimeoutMs: 60_000 },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgresql://u:p@db:5432/behalf',
        BEHALF_DATA_DIR: '/var/lib/behalf',
        BEHALF_WEB_DIR: '/opt/behalf/web',
        BEHALF_PUBLIC_URL: 'https://behalf.example.com',
        BEHALF_LOG_LEVEL: 'warn',
        BEHALF_BODY_LIMIT: '2048',
        BEHALF_DB_POOL_SIZE: '20',
        BEHALF_SHUTDOWN_TIMEOUT_MS: '5000',
        BEHALF_METRICS_TOKEN: 'a-long-random-metrics-token',
        BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: '600',
        BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '7200',
        BEHALF_ADMIN_PASSWORD: 'correct horse battery',
        BEHALF_DECISION_CACHE_TTL_MS: '0',
        BEHALF_KEK: `1:${KEY_1},2:${KEY_2}`,
        BEHALF_SIGNING_ALG: 'ES256',
        BEHALF_KEY_PREPUBLISH_SECONDS: '0',
        BEHALF_KEY_OVERLAP_SECONDS: '3600',
        BEHALF_DATASET_FILE_MAX_BYTES: '1000',
        BEHALF_UPLOAD_IDLE_TIMEOUT_SECONDS: '5',
        BEHALF_DB_STATEMENT_TIMEOUT_MS: '2000',
        BEHALF_DB_ACQUIRE_TIMEOUT_MS: '1500',
        BEHALF_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,2001:db8::/32',
        BEHALF_API_DOCS: 'off',
        BEHALF_RUNTIME_RATE_PER_SECOND: '50',
        BEHALF_APPS_URL: 'https://*.apps.example.com',
        BEHALF_UPSTREAM_NETWORKS: '10.20.0.0/16',
        BEHALF_GATEWAY_API_KEY: `bhk_00000000-0000-4000-8000-000000000000_${'k'.repeat(43)}`,
      },
      '/srv',
    );
    // The ring's text is kept as given; crypto parses it (crypto/key-ring.provider.spec.ts).
    expect(config.kek).toBe(`1:${KEY_1},2:${KEY_2}`);
    expect({ ...config, kek: undefined }).toEqual({
      env: 'production',
      http: { host: '0.0.0.0', port: 8080, publicUrl: 'https://behalf.example.com', bodyLimit: 2048, shutdownTimeoutMs: 5000 },
      database: { url: 'postgresql://u:p@db:5432/behalf', poolSize: 20, statementTimeoutMs: 2000, acquireTimeoutMs: 1500, transactionTimeoutMs: 10_000 },
      trustedProxies: ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'],
      gateway: {
        appsUrl: 'https://*.apps.example.com',
        upstreamNetworks: ['10.20.0.0/16'],
        apiKey: `bhk_00000000-0000-4000-8000-000000000000_${'k'.repeat(43)}`,
      },
      apiDocs: false,
      webDir: '/opt/behalf/web',
      runtimeRatePerSecond: 50,
      dataDir: '/var/lib/behalf',
      logLevel: 'warn',
      metricsToken: 'a-long-random-metrics-token',
      sessions: { idleTimeoutSeconds: 600, absoluteTimeoutSeconds: 7200 },
      decisionCacheTtlMs: 0,
      adminPassword: 'correct horse battery',
      kek: undefined,
      signingKeys: { alg: 'ES256', prepublishSeconds: 0, overlapSeconds: 3600 },
      datasets: { fileMaxBytes: 1000, uploadIdleTimeoutMs: 5000 },
    });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, '/x').http.port).toBe(3000);
  });

  it.each([
    ['PORT', 'eighty', 'PORT="eighty": expected a whole number from 0 to 65535'],
    ['PORT', '70000', 'PORT="70000": expected a whole number from 0 to 65535'],
    ['NODE_ENV', 'staging', 'NODE_ENV="staging": expected one of development, test, production'],
    ['BEHALF_LOG_LEVEL', 'loud', 'BEHALF_LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent'],
    ['BEHALF_BODY_LIMIT', '0', 'BEHALF_BODY_LIMIT="0": expected a whole number from 1 to 1073741824'],
    ['BEHALF_PUBLIC_URL', 'behalf.example.com', 'BEHALF_PUBLIC_URL="behalf.example.com": expected an absolute http(s) URL'],
    ['BEHALF_PUBLIC_URL', 'https://behalf.example.com/', 'BEHALF_PUBLIC_URL="https://behalf.example.com/": expected no trailing slash'],
    ['BEHALF_SIGNING_ALG', 'HS256', 'BEHALF_SIGNING_ALG="HS256": expected EdDSA or ES256'],
    ['BEHALF_TRUSTED_PROXIES', '10.0.0.0/33', 'BEHALF_TRUSTED_PROXIES="10.0.0.0/33": expected comma-separated IP addresses or CIDRs; "10.0.0.0/33" is neither'],
    ['BEHALF_TRUSTED_PROXIES', 'proxy.local', 'BEHALF_TRUSTED_PROXIES="proxy.local": expected comma-separated IP addresses or CIDRs; "proxy.local" is neither'],
    [
      'BEHALF_APPS_URL',
      'https://apps.example.com',
      'BEHALF_APPS_URL="https://apps.example.com": expected http(s)://*.<domain>[:port], e.g. https://*.apps.example.com',
    ],
    ['BEHALF_UPSTREAM_NETWORKS', 'pods', 'BEHALF_UPSTREAM_NETWORKS="pods": expected comma-separated IP addresses or CIDRs; "pods" is neither'],
    ['BEHALF_DB_STATEMENT_TIMEOUT_MS', '0', 'BEHALF_DB_STATEMENT_TIMEOUT_MS="0": expected a whole number from 1 to 600000'],
    [
      'BEHALF_KEY_OVERLAP_SECONDS',
      '3700',
      'BEHALF_KEY_OVERLAP_SECONDS="3700": expected at least 4200 (the longest token lifetime, 3600 s, plus BEHALF_KEY_PREPUBLISH_SECONDS), so no live token outlasts its key',
    ],
  ])('reports a bad %s by name with what it expects', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: '-1', NODE_ENV: 'x', BEHALF_DB_POOL_SIZE: '1.5' });
    expect(problems.map((p) => p.split('=')[0]).sort()).toEqual(['BEHALF_DB_POOL_SIZE', 'NODE_ENV', 'PORT']);
  });

  it('refuses to start in production without a key ring', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['BEHALF_KEK is required when NODE_ENV=production (a key ring "1:<base64 of 32 random bytes>")']);
  });

  it('never shows the value of a secret variable in its message', () => {
    const [dbProblem] = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(dbProblem).toBe('DATABASE_URL=(hidden): expected a postgresql:// URL');
    const [tokenProblem] = problemsOf({ BEHALF_METRICS_TOKEN: 'short-s3cret' });
    expect(tokenProblem).toBe('BEHALF_METRICS_TOKEN=(hidden): expected at least 16 characters (a random token)');
    const [adminProblem] = problemsOf({ BEHALF_ADMIN_PASSWORD: 'too-short' });
    expect(adminProblem).toBe('BEHALF_ADMIN_PASSWORD=(hidden): expected at least 12 characters');
    const [gatewayKeyProblem] = problemsOf({ BEHALF_GATEWAY_API_KEY: 'hunter2-key' });
    expect(gatewayKeyProblem).toBe('BEHALF_GATEWAY_API_KEY=(hidden): expected an API key as Behalf makes them (bhk_<uuid>_<secret>)');
    const error = new ConfigError(problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' }));
    expect(error.message).not.toContain('hunter2');
  });
});
