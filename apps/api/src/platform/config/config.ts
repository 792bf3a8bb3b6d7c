import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { isIP } from 'node:net';
import { apiKeyVariable, appsUrlVariable, httpUrl, logLevelVariable, NodeEnv, nodeEnvVariable, readEnv, wholeNumber } from '@behalf/server';

/** `address` or `address/prefix`, IPv4 or IPv6. */
function isCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Every environment variable Behalf reads, validated once at start-up into a typed object.
 * Nothing else in the code base reads `process.env`. `.env.example` lists each with its default.
 */
const port = (fallback: number) => wholeNumber(fallback, 0, 65_535);
const positiveInt = (fallback: number, max: number) => wholeNumber(fallback, 1, max);

/** Comma-separated IP addresses or CIDRs. */
const cidrList = z.string().transform((text, ctx) => {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!isCidr(entry)) ctx.addIssue({ code: 'custom', message: `expected comma-separated IP addresses or CIDRs; "${entry}" is neither` });
  }
  return entries;
});

const envSchema = z.object({
  NODE_ENV: nodeEnvVariable,
  PORT: port(3000),
  HOST: z.string().min(1, 'expected a host name or IP address').default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgresql:// URL' }).optional(),
  BEHALF_DATA_DIR: z.string().min(1, 'expected a directory path').default('.data'),
  BEHALF_PUBLIC_URL: httpUrl.optional(),
  BEHALF_LOG_LEVEL: logLevelVariable,
  BEHALF_BODY_LIMIT: positiveInt(1_048_576, 1_073_741_824),
  BEHALF_DB_POOL_SIZE: positiveInt(10, 1000),
  BEHALF_DB_STATEMENT_TIMEOUT_MS: positiveInt(5000, 600_000),
  BEHALF_DB_ACQUIRE_TIMEOUT_MS: positiveInt(5000, 600_000),
  BEHALF_TRUSTED_PROXIES: cidrList.optional(),
  BEHALF_APPS_URL: appsUrlVariable,
  BEHALF_UPSTREAM_NETWORKS: cidrList.optional(),
  BEHALF_GATEWAY_API_KEY: apiKeyVariable.optional(),
  BEHALF_API_DOCS: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  BEHALF_WEB_DIR: z.string().min(1, 'expected a directory path').optional(),
  BEHALF_RUNTIME_RATE_PER_SECOND: positiveInt(200, 1_000_000),
  BEHALF_SHUTDOWN_TIMEOUT_MS: positiveInt(10_000, 600_000),
  BEHALF_SESSION_IDLE_TIMEOUT_SECONDS: positiveInt(3600, 31_536_000),
  BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS: positiveInt(43_200, 31_536_000),
  BEHALF_DECISION_CACHE_TTL_MS: wholeNumber(30_000, 0, 600_000),
  BEHALF_ADMIN_PASSWORD: z.string().min(12, 'expected at least 12 characters').max(1024, 'expected at most 1024 characters').optional(),
  BEHALF_METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters (a random token)').optional(),
  BEHALF_KEK: z.string().optional(),
  BEHALF_SIGNING_ALG: z.enum(['EdDSA', 'ES256'], { error: 'expected EdDSA or ES256' }).default('EdDSA'),
  BEHALF_KEY_PREPUBLISH_SECONDS: wholeNumber(600, 0, 86_400),
  BEHALF_KEY_OVERLAP_SECONDS: positiveInt(7200, 31_536_000),
  BEHALF_DATASET_FILE_MAX_BYTES: positiveInt(5_368_709_120, 2 ** 50),
  BEHALF_UPLOAD_IDLE_TIMEOUT_SECONDS: positiveInt(60, 3600),
});

/** The longest lifetime any token may be given (backend tokens: 1 h). Key overlap must cover it. */
export const LONGEST_TOKEN_LIFETIME_SECONDS = 3600;

export interface Config {
  env: NodeEnv;
  http: {
    host: string;
    port: number;
    /** The externally visible base URL: the token issuer, the OpenAPI server. */
    publicUrl: string;
    bodyLimit: number;
    shutdownTimeoutMs: number;
  };
  database: {
    /** Absent: an embedded PostgreSQL is started under `dataDir/pg`. */
    url?: string;
    poolSize: number;
    /** A statement running longer fails (the client gives up too, should the server stall). */
    statementTimeoutMs: number;
    /** Waiting longer for a pooled connection fails: a stalled database answers 503, not never. */
    acquireTimeoutMs: number;
    /** The longest a transaction may stay open. */
    transactionTimeoutMs: number;
  };
  gateway: {
    /** Where webapps live: `http(s)://*.<domain>[:port]`, each at `<slug>.<domain>`. */
    appsUrl: string;
    /** Networks (besides loopback) where runs may say their upstream listens. */
    upstreamNetworks: string[];
    /** A secret: the API key the gateway's service principal holds; generated into `dataDir` when unset. */
    apiKey?: string;
  };
  /** Proxies whose `X-Forwarded-For` is believed (addresses or CIDRs); none by default. */
  trustedProxies: string[];
  /** Whether `/api/docs` serves the OpenAPI document and its viewer. */
  apiDocs: boolean;
  /** Absolute path of the web console's production build (`index.html` and `assets/`), served at `/`. */
  webDir: string;
  /** Requests per second one webapp run may make to the token and runtime endpoints (bursts of twice that). */
  runtimeRatePerSecond: number;
  /** Absolute path of the data directory (embedded database, blobs, development keys). */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** A secret: compared in constant time, never logged. */
  metricsToken?: string;
  sessions: { idleTimeoutSeconds: number; absoluteTimeoutSeconds: number };
  /** How long a cached policy decision may live without a change notification; 0 disables the cache. */
  decisionCacheTtlMs: number;
  /** A secret: the first-start password of the `admin` user; generated and printed when unset. */
  adminPassword?: string;
  /**
   * A secret: the key-encryption key ring's text, as `BEHALF_KEK` gives it; crypto parses it.
   * Unset outside production: a development ring is generated into `dataDir` (see
   * `crypto/key-ring.provider.ts`); production refuses to start.
   */
  kek?: string;
  signingKeys: {
    /** The algorithm of newly created signing keys. */
    alg: 'EdDSA' | 'ES256';
    /** How long a rotated-in key is published in the JWKS before it starts signing. */
    prepublishSeconds: number;
    /** How long a retired key stays in the JWKS after the next key starts signing. */
    overlapSeconds: number;
  };
  datasets: {
    /** Largest file a dataset accepts (413 above it). */
    fileMaxBytes: number;
    /**
     * An upload that sends nothing for this long is abandoned (408). So a temporary file untouched
     * for longer belongs to no live upload: start-up removes such files as garbage.
     */
    uploadIdleTimeoutMs: number;
  };
}

/** Thrown by {@link loadConfig}; `problems` holds one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Names of the variables that hold secrets: their values never appear in messages. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'BEHALF_METRICS_TOKEN', 'BEHALF_ADMIN_PASSWORD', 'BEHALF_KEK', 'BEHALF_GATEWAY_API_KEY']);

/**
 * Validates the environment. Empty strings count as unset, as in most `.env` tooling.
 * @throws ConfigError naming every bad variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const read = readEnv(envSchema, env, SECRET_VARIABLES);
  if ('problems' in read) throw new ConfigError(read.problems);
  const e = read.values;
  const problems: string[] = [];
  if (e.NODE_ENV === 'production' && !e.BEHALF_KEK) {
    problems.push('BEHALF_KEK is required when NODE_ENV=production (a key ring "1:<base64 of 32 random bytes>")');
  }
  if (e.BEHALF_KEY_OVERLAP_SECONDS < LONGEST_TOKEN_LIFETIME_SECONDS + e.BEHALF_KEY_PREPUBLISH_SECONDS) {
    problems.push(
      `BEHALF_KEY_OVERLAP_SECONDS=${JSON.stringify(String(e.BEHALF_KEY_OVERLAP_SECONDS))}: expected at least ${LONGEST_TOKEN_LIFETIME_SECONDS + e.BEHALF_KEY_PREPUBLISH_SECONDS} (the longest token lifetime, ${LONGEST_TOKEN_LIFETIME_SECONDS} s, plus BEHALF_KEY_PREPUBLISH_SECONDS), so no live token outlasts its key`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const dataDir = isAbsolute(e.BEHALF_DATA_DIR) ? e.BEHALF_DATA_DIR : resolve(cwd, e.BEHALF_DATA_DIR);
  const shownHost = e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.BEHALF_PUBLIC_URL ?? `http://${shownHost}:${e.PORT}`,
      bodyLimit: e.BEHALF_BODY_LIMIT,
      shutdownTimeoutMs: e.BEHALF_SHUTDOWN_TIMEOUT_MS,
    },
    database: {
      url: e.DATABASE_URL,
      poolSize: e.BEHALF_DB_POOL_SIZE,
      statementTimeoutMs: e.BEHALF_DB_STATEMENT_TIMEOUT_MS,
      acquireTimeoutMs: e.BEHALF_DB_ACQUIRE_TIMEOUT_MS,
      transactionTimeoutMs: Math.max(10_000, 3 * e.BEHALF_DB_STATEMENT_TIMEOUT_MS),
    },
    trustedProxies: e.BEHALF_TRUSTED_PROXIES ?? [],
    gateway: { appsUrl: e.BEHALF_APPS_URL, upstreamNetworks: e.BEHALF_UPSTREAM_NETWORKS ?? [], apiKey: e.BEHALF_GATEWAY_API_KEY },
    apiDocs: e.BEHALF_API_DOCS === 'on',
    webDir: resolve(cwd, e.BEHALF_WEB_DIR ?? 'dist/apps/web'),
    runtimeRatePerSecond: e.BEHALF_RUNTIME_RATE_PER_SECOND,
    dataDir,
    logLevel: e.BEHALF_LOG_LEVEL,
    metricsToken: e.BEHALF_METRICS_TOKEN,
    sessions: {
      idleTimeoutSeconds: e.BEHALF_SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.BEHALF_SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    },
    decisionCacheTtlMs: e.BEHALF_DECISION_CACHE_TTL_MS,
    adminPassword: e.BEHALF_ADMIN_PASSWORD,
    kek: e.BEHALF_KEK,
    signingKeys: {
      alg: e.BEHALF_SIGNING_ALG,
      prepublishSeconds: e.BEHALF_KEY_PREPUBLISH_SECONDS,
      overlapSeconds: e.BEHALF_KEY_OVERLAP_SECONDS,
    },
    datasets: { fileMaxBytes: e.BEHALF_DATASET_FILE_MAX_BYTES, uploadIdleTimeoutMs: e.BEHALF_UPLOAD_IDLE_TIMEOUT_SECONDS * 1000 },
  };
}

/** Injection token of the validated {@link Config}. */
export const CONFIG = Symbol('CONFIG');

/** For entry points: the validated config, or every problem on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`behalf: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
