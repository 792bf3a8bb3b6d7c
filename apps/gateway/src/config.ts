import { isAbsolute, join, resolve } from 'node:path';
import { apiKeyVariable, appsUrlVariable, httpUrl, logLevelVariable, NodeEnv, nodeEnvVariable, readEnv, wholeNumber } from '@behalf/server';
import { z } from 'zod';

/**
 * The gateway's environment, validated once at start-up (`.env.example` lists each variable). It
 * shares the API's names where they mean the same (`BEHALF_APPS_URL`, `BEHALF_PUBLIC_URL`,
 * `BEHALF_DATA_DIR`, `BEHALF_GATEWAY_API_KEY`, `BEHALF_LOG_LEVEL`, `BEHALF_METRICS_TOKEN`).
 */
const envSchema = z.object({
  NODE_ENV: nodeEnvVariable,
  PORT: wholeNumber(3000, 0, 65_535),
  HOST: z.string().min(1).default('127.0.0.1'),
  BEHALF_GATEWAY_PORT: wholeNumber(3001, 0, 65_535),
  BEHALF_GATEWAY_HOST: z.string().min(1, 'expected a host name or IP address').optional(),
  BEHALF_API_URL: httpUrl.optional(),
  BEHALF_PUBLIC_URL: httpUrl.optional(),
  BEHALF_APPS_URL: appsUrlVariable,
  BEHALF_DATA_DIR: z.string().min(1).default('.data'),
  BEHALF_GATEWAY_API_KEY: apiKeyVariable.optional(),
  BEHALF_GATEWAY_UPSTREAM_TIMEOUT_MS: wholeNumber(30_000, 100, 3_600_000),
  BEHALF_GATEWAY_BODY_LIMIT: wholeNumber(104_857_600, 1, 2 ** 40),
  BEHALF_GATEWAY_RECHECK_MS: wholeNumber(2000, 100, 60_000),
  BEHALF_LOG_LEVEL: logLevelVariable,
  BEHALF_METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters (a random token)').optional(),
});

export interface GatewayConfig {
  env: NodeEnv;
  host: string;
  port: number;
  /** Where the gateway calls the API (server to server). */
  apiUrl: string;
  /** The API as browsers reach it: the issuer, where viewers are sent to sign in. */
  publicUrl: string;
  appsUrl: string;
  /** A secret: the gateway principal's API key, or where the API wrote it. */
  apiKey: { value: string } | { file: string };
  /** An upstream that sends no response headers for this long: 504. */
  upstreamTimeoutMs: number;
  /** The largest request body forwarded (413 above it). */
  bodyLimit: number;
  /** How long a viewer's decision is trusted before the API is asked again (revocation takes at most about this long). */
  recheckMs: number;
  logLevel: string;
  metricsToken?: string;
}

const SECRETS = new Set(['BEHALF_GATEWAY_API_KEY', 'BEHALF_METRICS_TOKEN']);

/** @throws Error naming every bad variable. */
export function loadGatewayConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): GatewayConfig {
  const read = readEnv(envSchema, env, SECRETS);
  if ('problems' in read) throw new Error(`Invalid configuration:\n${read.problems.map((p) => `  - ${p}`).join('\n')}`);
  const e = read.values;
  const apiHost = e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST === '::' ? '[::1]' : e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  const apiUrl = e.BEHALF_API_URL ?? `http://${apiHost}:${e.PORT}`;
  const dataDir = isAbsolute(e.BEHALF_DATA_DIR) ? e.BEHALF_DATA_DIR : resolve(cwd, e.BEHALF_DATA_DIR);
  return {
    env: e.NODE_ENV,
    host: e.BEHALF_GATEWAY_HOST ?? e.HOST,
    port: e.BEHALF_GATEWAY_PORT,
    apiUrl,
    publicUrl: e.BEHALF_PUBLIC_URL ?? apiUrl,
    appsUrl: e.BEHALF_APPS_URL,
    apiKey: e.BEHALF_GATEWAY_API_KEY ? { value: e.BEHALF_GATEWAY_API_KEY } : { file: join(dataDir, 'gateway.key') },
    upstreamTimeoutMs: e.BEHALF_GATEWAY_UPSTREAM_TIMEOUT_MS,
    bodyLimit: e.BEHALF_GATEWAY_BODY_LIMIT,
    recheckMs: e.BEHALF_GATEWAY_RECHECK_MS,
    logLevel: e.BEHALF_LOG_LEVEL,
    metricsToken: e.BEHALF_METRICS_TOKEN,
  };
}

/**
 * Settings left open that production should close, each a warning to log at every start (as the
 * API warns of its own).
 */
export function insecureDefaults(config: GatewayConfig): string[] {
  if (config.env !== 'production') return [];
  const warnings: string[] = [];
  if (!config.metricsToken) warnings.push('GET /metrics on the gateway is open to anyone, and names every webapp: set BEHALF_METRICS_TOKEN');
  if (!config.appsUrl.startsWith('https:'))
    warnings.push(`BEHALF_APPS_URL (${config.appsUrl}) is not https: viewers' gateway sessions travel in the clear, and their cookies are not __Host- ones`);
  return warnings;
}
